import type { ControlClient } from '../control/control-client.js';
import type { StackStatus } from '../../shared/stack-status.js';

const REFRESH_DELAY_MS = 250;
const RECONNECT_DELAY_MS = 2000;

/**
 * Keeps a fresh StackStatus for the tray: follows the supervisor's event stream and, after state changes
 * (not log lines), re-reads the status, coalescing bursts. Returns a function that stops following.
 */
export function followStatus(client: ControlClient, onStatus: (status: StackStatus) => void): () => void {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | null = null;
  const refresh = (): void => {
    timer ??= setTimeout(() => {
      timer = null;
      client.call('GET /v1/status', {}, 10_000).then(onStatus, () => undefined);
    }, REFRESH_DELAY_MS);
  };
  const follow = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      refresh();
      try {
        await client.events((event) => {
          if (event.type !== 'log') refresh();
        }, abort.signal);
      } catch {
        // The supervisor restarts or went away; try again shortly.
      }
      if (!abort.signal.aborted) await new Promise((r) => setTimeout(r, RECONNECT_DELAY_MS));
    }
  };
  void follow();
  return () => {
    abort.abort();
    if (timer) clearTimeout(timer);
  };
}
