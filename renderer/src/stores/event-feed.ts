import type { LogLine } from '../../../shared/stack-events.js';
import type { ControlApi } from '../api/control-client.js';
import { explainedText } from '../api/explain-error.js';
import { useLogsStore } from './logs-store.js';
import { useStackStore } from './stack-store.js';

const BATCH_MS = 100;
const HISTORY_LINES = 5000;

/**
 * Feeds the stores from the control API: the event stream first, then — once it is subscribed — a status
 * snapshot and the recent log lines, merged with the live ones by sequence number (so no line is lost between
 * the two, and none is shown twice). After a reconnection the history is fetched again for the lines missed.
 * Log lines are merged in batches: a service logging thousands of lines a second costs one store update per 100 ms.
 */
export function startEventFeed(api: ControlApi): () => void {
  const abort = new AbortController();
  useStackStore.getState().connect(api);
  let pending: LogLine[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = (): void => {
    timer = null;
    const batch = pending;
    pending = [];
    useLogsStore.getState().merge(batch);
  };
  const fetchHistory = async (): Promise<void> => {
    try {
      const { lines } = await api.call('GET /v1/logs', { n: HISTORY_LINES });
      useLogsStore.getState().merge(lines);
      useLogsStore.getState().setHistoryError(null);
    } catch (error: unknown) {
      useLogsStore
        .getState()
        .setHistoryError(`The recent log lines could not be fetched: ${explainedText(error)}`);
    }
  };
  void api.follow(
    (event) => {
      if (event.type === 'log') {
        pending.push(event.line);
        timer ??= setTimeout(flush, BATCH_MS);
      } else {
        useStackStore.getState().handleEvent(event);
      }
    },
    (up) => {
      useStackStore.getState().setConnected(up);
      if (up) void fetchHistory();
    },
    abort.signal,
  );
  return () => {
    abort.abort();
    if (timer) clearTimeout(timer);
  };
}
