import { afterEach, describe, expect, it } from 'vitest';

import { CONTROL_ROUTES } from '../../shared/control-api.js';
import type { LogLine, StackEvent } from '../../shared/stack-events.js';
import type { StackStatus } from '../../shared/stack-status.js';
import {
  type ControlHandlers,
  startControlServer,
  type ControlServer,
} from '../../main/control/control-server.js';
import { ControlApi } from '../src/api/control-client.js';
import { startEventFeed } from '../src/stores/event-feed.js';
import { useLogsStore } from '../src/stores/logs-store.js';

const TOKEN = 'feed-test-token';

const line = (seq: number): LogLine => ({
  seq,
  at: new Date(Date.UTC(2026, 11, 1, 10, 0, seq)).toISOString(),
  service: 'postgres',
  stream: 'stdout',
  text: `line ${seq}`,
});

/**
 * The GUI's event feed against a real control server over HTTP: it subscribes to the event stream before it
 * fetches the recent lines (a live line that arrives first never discards the history), and fetches them again
 * after a reconnection, each line kept once, in sequence order.
 */
describe('event feed', () => {
  let server: ControlServer | undefined;
  let stop: (() => void) | undefined;
  afterEach(async () => {
    stop?.();
    await server?.close();
    useLogsStore.setState({ lines: [] });
  });

  /** A control server whose log history is `history()`, recording subscriptions and history reads in order. */
  const serve = (
    order: string[],
    history: () => readonly LogLine[],
    onSubscribe: (emit: (event: StackEvent) => void) => void,
    port = 0,
  ): Promise<ControlServer> => {
    const unused = (): Promise<never> => Promise.reject(new Error('not used'));
    const base = Object.fromEntries(CONTROL_ROUTES.map((r) => [r, unused])) as unknown as Omit<
      ControlHandlers,
      'onEvent'
    >;
    return startControlServer(
      {
        ...base,
        'GET /v1/status': () => Promise.resolve({ state: 'running', services: [] } as unknown as StackStatus),
        'GET /v1/preflight': () => Promise.resolve({ checks: [], ranAt: new Date().toISOString() }),
        'GET /v1/logs': async () => {
          order.push('history');
          // Slow on purpose: the live line sent at subscription arrives before the history does.
          await new Promise((resolve) => setTimeout(resolve, 300));
          return { lines: history() };
        },
        onEvent: (listener) => {
          order.push('subscribe');
          setTimeout(() => onSubscribe(listener), 0);
          return () => undefined;
        },
      },
      { token: TOKEN, port },
    );
  };

  const seqs = (): number[] => useLogsStore.getState().lines.map((l) => l.seq);

  it('subscribes before it fetches the history, keeps a live line that came first, and refetches after a reconnection', async () => {
    const order: string[] = [];
    let historyLines = [1, 2, 3, 4, 5].map(line);
    const emitLive = (emit: (event: StackEvent) => void): void => {
      // Newer than the history, and one line the history holds too: each is kept once.
      for (const seq of [6, 5]) emit({ type: 'log', at: line(seq).at, line: line(seq) });
    };
    server = await serve(order, () => historyLines, emitLive);
    const port = Number(new URL(server.url).port);
    stop = startEventFeed(new ControlApi({ controlUrl: server.url, token: TOKEN }));

    await expect.poll(seqs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(order.slice(0, 2)).toEqual(['subscribe', 'history']);

    // The stack restarts (the server goes away and comes back on its port); lines 7 and 8 were logged meanwhile.
    await server.close();
    historyLines = [4, 5, 6, 7, 8].map(line);
    server = await serve(
      order,
      () => historyLines,
      () => undefined,
      port,
    );
    await expect.poll(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(order).toEqual(['subscribe', 'history', 'subscribe', 'history']);
  });
});
