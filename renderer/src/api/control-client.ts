import type { ControlError, ControlRoute, ControlRoutes } from '../../../shared/control-api.js';
import { EVENTS_PATH } from '../../../shared/control-api.js';
import type { StackEvent } from '../../../shared/stack-events.js';
import { type GuiConfig, SESSION_HEADERS } from './session.js';

/**
 * A failed control API call: the server's sentence, its HTTP status and code (0 and `unreachable`: no answer),
 * and the error body's other fields (the running operation of a busy answer).
 */
export class ControlApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly body: Readonly<Record<string, unknown>> | null = null,
  ) {
    super(message);
    this.name = 'ControlApiError';
  }
}

/** The control API as the GUI calls it: one typed function for every route of the shared contract. */
export class ControlApi {
  /**
   * @param onUnauthorized called when the server no longer accepts the session (the supervisor restarted, or
   *   the session was ended in another tab).
   */
  constructor(
    private readonly config: GuiConfig,
    private readonly onUnauthorized: () => void = () => undefined,
  ) {}

  private headers(): Record<string, string> {
    return this.config.token ? { authorization: `Bearer ${this.config.token}` } : { ...SESSION_HEADERS };
  }

  /** Calls a route; rejects with a `ControlApiError` carrying the server's sentence. */
  async call<R extends ControlRoute>(
    route: R,
    request: ControlRoutes[R]['request'],
  ): Promise<ControlRoutes[R]['response']> {
    const [method = 'GET', path = '/'] = route.split(' ');
    const url = new URL(path, this.config.controlUrl);
    const init: RequestInit = { method, headers: this.headers() };
    if (method === 'GET') {
      for (const [key, value] of Object.entries(request))
        if (value !== undefined) url.searchParams.set(key, String(value));
    } else {
      init.body = JSON.stringify(request);
      init.headers = { ...this.headers(), 'content-type': 'application/json' };
    }
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch {
      throw new ControlApiError(
        `Flow Desktop's supervisor at ${url.host} does not answer: is the app (or \`flow-desktop serve\`) still running?`,
        0,
        'unreachable',
      );
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      if (response.status === 401) this.onUnauthorized();
      const error = (body as ControlError | null)?.error;
      throw new ControlApiError(
        error?.message ?? `The control API answered HTTP ${response.status}.`,
        response.status,
        error?.code ?? 'http',
        error ?? null,
      );
    }
    return body as ControlRoutes[R]['response'];
  }

  /** Follows the event stream (reconnecting after a drop) until `signal` aborts or the session ends. */
  async follow(
    onEvent: (event: StackEvent) => void,
    onConnected: (up: boolean) => void,
    signal: AbortSignal,
  ): Promise<void> {
    while (!signal.aborted) {
      try {
        const response = await fetch(new URL(EVENTS_PATH, this.config.controlUrl), {
          headers: this.headers(),
          signal,
        });
        if (response.status === 401) {
          onConnected(false);
          this.onUnauthorized();
          return;
        }
        if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`);
        onConnected(true);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const data = buffer
              .slice(0, end)
              .split('\n')
              .filter((l) => l.startsWith('data: '))
              .map((l) => l.slice(6))
              .join('\n');
            buffer = buffer.slice(end + 2);
            if (data) onEvent(JSON.parse(data) as StackEvent);
          }
        }
      } catch {
        // Dropped (the stack restarted, the laptop slept): retry below.
      }
      onConnected(false);
      if (!signal.aborted) await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
