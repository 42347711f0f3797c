import type { ControlError, ControlRoute, ControlRoutes } from '../../../shared/control-api.js';
import { EVENTS_PATH } from '../../../shared/control-api.js';
import type { StackEvent } from '../../../shared/stack-events.js';
import type { GuiConfig } from './session.js';

/** The control API as the GUI calls it: one typed function for every route of the shared contract. */
export class ControlApi {
  constructor(private readonly config: GuiConfig) {}

  /** Calls a route; rejects with the server's message on an error answer. */
  async call<R extends ControlRoute>(
    route: R,
    request: ControlRoutes[R]['request'],
  ): Promise<ControlRoutes[R]['response']> {
    const [method = 'GET', path = '/'] = route.split(' ');
    const url = new URL(path, this.config.controlUrl);
    const init: RequestInit = { method, headers: { authorization: `Bearer ${this.config.token}` } };
    if (method === 'GET') {
      for (const [key, value] of Object.entries(request))
        if (value !== undefined) url.searchParams.set(key, String(value));
    } else {
      init.body = JSON.stringify(request);
      init.headers = { ...init.headers, 'content-type': 'application/json' };
    }
    const response = await fetch(url, init);
    const body: unknown = await response.json();
    if (!response.ok) throw new Error((body as ControlError).error.message);
    return body as ControlRoutes[R]['response'];
  }

  /** Follows the event stream (reconnecting after a drop) until `signal` aborts. */
  async follow(
    onEvent: (event: StackEvent) => void,
    onConnected: (up: boolean) => void,
    signal: AbortSignal,
  ): Promise<void> {
    while (!signal.aborted) {
      try {
        const response = await fetch(new URL(EVENTS_PATH, this.config.controlUrl), {
          headers: { authorization: `Bearer ${this.config.token}` },
          signal,
        });
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
