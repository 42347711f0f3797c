import { execFile } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';

import pg from 'pg';

import type { ProbeCheck, ProbeResult } from './probe.js';

/** Runs one probe with a timeout; never throws. */
export async function runProbe(check: ProbeCheck, timeoutMs: number): Promise<ProbeResult> {
  try {
    switch (check.kind) {
      case 'tcp':
        await tcpProbe(check.host, check.port, timeoutMs);
        break;
      case 'http':
        await httpProbe(check.url, timeoutMs, check.expectStatus);
        break;
      case 'sql':
        await sqlProbe(check.connectionString, check.query ?? 'select 1', timeoutMs);
        break;
      case 'command':
        await commandProbe(check.file, check.args, timeoutMs);
        break;
      case 'all':
        for (const one of check.checks) {
          const result = await runProbe(one, timeoutMs);
          if (!result.ok) return result;
        }
        break;
    }
    return { ok: true };
  } catch (error: unknown) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no TCP answer on ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/**
 * One GET with node:http (https: node:https, loaded then), not fetch: fetch would load undici and its
 * WebAssembly HTTP parser into the supervisor, about 30 ms of CPU at every start, when CPU is scarcest.
 */
async function httpProbe(
  url: string,
  timeoutMs: number,
  expectStatus: ((status: number) => boolean) | undefined,
): Promise<void> {
  const client = url.startsWith('https:') ? await import('node:https') : http;
  const status = await new Promise<number>((resolve, reject) => {
    const request = client.get(url, { timeout: timeoutMs, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('timeout', () => request.destroy(new Error(`${url} did not answer within ${timeoutMs} ms`)));
    request.once('error', reject);
  });
  const ok = expectStatus ? expectStatus(status) : status < 500;
  if (!ok) throw new Error(`${url} answered HTTP ${status}`);
}

async function sqlProbe(connectionString: string, query: string, timeoutMs: number): Promise<void> {
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: 'flow-desktop-probe',
  });
  // A failing connection also emits 'error'; without a listener that would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(query);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function commandProbe(file: string, args: readonly string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: timeoutMs }, (error, _stdout, stderr) => {
      if (error) reject(new Error(stderr.trim() || error.message));
      else resolve();
    });
  });
}
