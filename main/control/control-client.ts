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
    const init: RequestInit = {
      method,
      headers: { authorization: `Bearer ${this.endpoint.token}`, 'content-type': 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    };
    if (method === 'GET') {
      for (const [key, value] of Object.entries(request)) {
        if (value !== undefined) url.searchParams.set(key, String(value));
      }
    } else {
      init.body = JSON.stringify(request);
    }
    const response = await fetch(url, init);
    const body: unknown = await response.json();
    if (!response.ok) {
      const error = (body as ControlError).error;
      throw new ControlCallError(response.status, error.code, error.message);
    }
    return body as ControlRoutes[R]['response'];
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
