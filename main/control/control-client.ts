import http from 'node:http';

import type { ControlEndpoint, ControlError, ControlRoute, ControlRoutes } from '../../shared/control-api.js';
import { EVENTS_PATH } from '../../shared/control-api.js';
import type { StackEvent } from '../../shared/stack-events.js';
import { isAlive } from '../process/process-group.js';
import { readControlFile } from './control-file.js';

/** A control API error as the client sees it. */
export class ControlCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A typed client of a running supervisor's control API. */
export class ControlClient {
  constructor(readonly endpoint: ControlEndpoint) {}

  /** Calls one route; rejects with ControlCallError on an error answer. */
  async call<R extends ControlRoute>(
    route: R,
    request: ControlRoutes[R]['request'],
    timeoutMs = 120_000,
  ): Promise<ControlRoutes[R]['response']> {
    const [method = 'GET', path = '/'] = route.split(' ');
    const url = new URL(path, this.endpoint.url);
    let body: string | undefined;
    if (method === 'GET') {
      for (const [key, value] of Object.entries(request)) {
        if (value !== undefined) url.searchParams.set(key, String(value));
      }
    } else {
      body = JSON.stringify(request);
    }
    const answer = await requestJson(url, method, this.endpoint.token, body, timeoutMs);
    if (answer.status < 200 || answer.status >= 300) {
      const error = (answer.body as ControlError).error;
      throw new ControlCallError(answer.status, error.code, error.message);
    }
    return answer.body as ControlRoutes[R]['response'];
  }

  /** Follows the event stream until `signal` aborts or the server goes away. */
  async events(onEvent: (event: StackEvent) => void, signal: AbortSignal): Promise<void> {
    const response = await fetch(new URL(EVENTS_PATH, this.endpoint.url), {
      headers: { authorization: `Bearer ${this.endpoint.token}` },
      signal,
    });
    if (!response.ok || !response.body)
      throw new ControlCallError(response.status, 'events', 'cannot follow events');
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (data) onEvent(JSON.parse(data) as StackEvent);
        }
      }
    } catch (error: unknown) {
      if (!signal.aborted) throw error;
    }
  }
}

/** The client of the supervisor running for a data directory, or null when none answers. */
export async function connectToSupervisor(controlFile: string): Promise<ControlClient | null> {
  const endpoint = readControlFile(controlFile);
  if (!endpoint || !isAlive(endpoint.pid)) return null;
  const client = new ControlClient(endpoint);
  try {
    await client.call('GET /v1/status', {}, 5000);
    return client;
  } catch {
    return null;
  }
}

/**
 * One request with node:http rather than fetch: a CLI call makes one or two, and loading fetch's HTTP stack
 * (undici) would cost `flow-desktop status` a third of its time. No keep-alive: the process exits at once.
 */
function requestJson(
  url: URL,
  method: string,
  token: string,
  body: string | undefined,
  timeoutMs: number,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent: false,
        timeout: timeoutMs,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          try {
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
            });
          } catch (error: unknown) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`the control API did not answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
