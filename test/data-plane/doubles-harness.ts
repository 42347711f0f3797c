// Helpers of the data-plane tests: bin dirs of Flow binary doubles, the double data plane and gateway as real
// processes on free ports (stopped by pid), gateway tokens, and REST calls to the gateway.
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { SignJWT } from 'jose';

import { PROJECT_ROOT } from '../../main/stack/project-paths.js';
import { freePort } from '../support/free-port.js';

/** Where the doubles live. */
export const DOUBLES_DIR = path.join(PROJECT_ROOT, 'test', 'fixtures', 'flow');

/** The binaries a full data plane needs. */
export const ALL_BINARIES = ['flowctl-go', 'etcd', 'gazette', 'data-plane-gateway'] as const;

/** A fresh bin dir with links to the named doubles and a flowctl-go steering file. */
export function doublesBinDir(
  binaries: readonly (typeof ALL_BINARIES)[number][] = ALL_BINARIES,
  behaviour: object = {},
): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flow-dp-bin-'));
  for (const name of binaries) symlinkSync(path.join(DOUBLES_DIR, name), path.join(dir, name));
  writeFileSync(path.join(dir, 'flowctl-double.json'), JSON.stringify(behaviour));
  return dir;
}

/** A child process with its output lines, and when each arrived. */
export interface Running {
  readonly child: ChildProcess;
  readonly stdout: { line: string; at: number }[];
  readonly stderr: string[];
  /** Resolves with the exit code (or signal) once it exited. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it exited. */
  stop(): Promise<number | string>;
}

/** Starts a process and collects its output. */
export function run(file: string, args: readonly string[], env: Record<string, string> = {}): Running {
  const child = spawn(file, [...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: { line: string; at: number }[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => stdout.push({ line, at: Date.now() }));
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return {
    child,
    stdout,
    stderr,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
}

/** Whether a TCP port on 127.0.0.1 accepts connections. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Waits until a condition holds (polling), or throws after `timeoutMs`. */
export async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The double data plane (TCP form) and gateway, started from a bin dir on free ports. */
export interface DoubleDataPlane {
  readonly binDir: string;
  readonly broker: number;
  readonly consumer: number;
  readonly gatewayPort: number;
  readonly gatewayUrl: string;
  readonly key: string;
  readonly dataPlane: Running;
  readonly gateway: Running;
  readonly tmp: string;
  stop(): Promise<void>;
}

/** Starts temp-data-plane (TMPDIR = a fresh folder) and a gateway verifying with `key`. */
export async function startDoubleDataPlane(key: string, binDir = doublesBinDir()): Promise<DoubleDataPlane> {
  const broker = await freePort();
  const consumer = await freePort();
  const gatewayPort = await freePort();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'flow-dp-tmp-'));
  const dataPlane = run(
    path.join(binDir, 'flowctl-go'),
    ['temp-data-plane', '--broker-port', String(broker), '--consumer-port', String(consumer)],
    { TMPDIR: tmp },
  );
  await until('the data plane', async () => (await accepts(broker)) && (await accepts(consumer)));
  const gateway = run(
    path.join(binDir, 'data-plane-gateway'),
    [
      '--port',
      String(gatewayPort),
      '--broker-address',
      `127.0.0.1:${broker}`,
      '--consumer-address',
      `127.0.0.1:${consumer}`,
    ],
    { GATEWAY_VERIFICATION_KEY: key },
  );
  await until('the gateway', () => accepts(gatewayPort));
  return {
    binDir,
    broker,
    consumer,
    gatewayPort,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}/`,
    key,
    dataPlane,
    gateway,
    tmp,
    async stop() {
      await gateway.stop();
      await dataPlane.stop();
    },
  };
}

/** Signs a gateway token as the control plane does (HS256, exp and iat), with overrides for tests. */
export async function gatewayToken(
  key: string,
  prefixes: readonly string[],
  options: { expiresIn?: number; issuedAt?: number | null; alg?: 'HS256' | 'HS512' } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ prefixes: [...prefixes], operation: 'read', sub: 'test' }).setProtectedHeader({
    alg: options.alg ?? 'HS256',
    typ: 'JWT',
  });
  if (options.issuedAt !== null) jwt.setIssuedAt(options.issuedAt ?? now);
  jwt.setExpirationTime(now + (options.expiresIn ?? 3600));
  return jwt.sign(new TextEncoder().encode(key));
}

/** A POST to the gateway: status and text body. */
export async function gatewayPost(
  gatewayUrl: string,
  route: string,
  token: string | null,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${gatewayUrl}${route}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...headers,
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** A selector including the given labels. */
export function selector(labels: Record<string, string | readonly string[]>): object {
  return {
    include: {
      labels: Object.entries(labels).flatMap(([name, value]) =>
        (typeof value === 'string' ? [value] : value).map((v) => ({ name, value: v })),
      ),
    },
  };
}

/** Writes a catalog to a folder and builds and activates it with the flowctl-go double against a data plane. */
export async function buildAndActivate(
  binDir: string,
  dp: { broker: number; consumer: number },
  buildId: string,
  catalog: object,
  names: readonly string[],
): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flow-dp-build-'));
  try {
    writeFileSync(path.join(dir, 'flow.json'), JSON.stringify(catalog));
    const flowctl = path.join(binDir, 'flowctl-go');
    const build = run(flowctl, [
      'api',
      'build',
      '--build-id',
      buildId,
      '--directory',
      dir,
      '--fs-root',
      dir,
      '--source',
      'file:///flow.json',
    ]);
    if ((await build.exited) !== 0) throw new Error(`build failed: ${build.stderr.join('\n')}`);
    // The builds root, as the agent finds it: the consumer's --flow.builds-root.
    const vars = (await (await fetch(`http://127.0.0.1:${dp.consumer}/debug/vars`)).json()) as {
      cmdline: string[];
    };
    const root = new URL(vars.cmdline[vars.cmdline.indexOf('--flow.builds-root') + 1]!).pathname;
    copyFileSync(path.join(dir, buildId), path.join(root, buildId));
    const activate = run(flowctl, [
      'api',
      'activate',
      '--build-id',
      buildId,
      `--broker.address=http://127.0.0.1:${dp.broker}`,
      `--consumer.address=http://127.0.0.1:${dp.consumer}`,
      ...names.map((n) => `--name=${n}`),
    ]);
    if ((await activate.exited) !== 0) throw new Error(`activate failed: ${activate.stderr.join('\n')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
