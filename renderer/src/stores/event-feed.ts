import type { LogLine } from '../../../shared/stack-events.js';
import type { ControlApi } from '../api/control-client.js';
import { useLogsStore } from './logs-store.js';
import { useStackStore } from './stack-store.js';

const BATCH_MS = 100;

/**
 * Feeds the stores from the control API: a status snapshot, the recent log lines, then the event stream.
 * Log lines are appended in batches, so a service that logs thousands of lines a second costs one store
 * update per 100 ms rather than one per line.
 */
export function startEventFeed(api: ControlApi): () => void {
  const abort = new AbortController();
  const stack = useStackStore.getState();
  stack.connect(api);
  let pending: LogLine[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = (): void => {
    timer = null;
    const batch = pending;
    pending = [];
    useLogsStore.getState().append(batch);
  };
  void api.call('GET /v1/logs', { n: 5000 }).then(({ lines }) => useLogsStore.getState().append(lines));
  void api.follow(
    (event) => {
      if (event.type === 'log') {
        pending.push(event.line);
        timer ??= setTimeout(flush, BATCH_MS);
      } else {
        useStackStore.getState().handleEvent(event);
      }
    },
    (up) => useStackStore.getState().setConnected(up),
    abort.signal,
  );
  return () => abort.abort();
}
