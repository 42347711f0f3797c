import { create } from 'zustand';

import type { PreflightReport, ResetResult, SettingsInfo } from '../../../shared/control-api.js';
import type { StackEvent, StackPhaseEvent } from '../../../shared/stack-events.js';
import type { StackStatus } from '../../../shared/stack-status.js';
import type { ControlApi } from '../api/control-client.js';
import { busyBody } from '../api/busy-error.js';
import { setAppClients } from '../api/clients.js';
import { explainedText } from '../api/explain-error.js';
import { useAuthStore } from './auth-store.js';

/** How an action ended, for its completion message ("Reset the database: done in 4.2 s."). */
export interface ActionOutcome {
  readonly label: string;
  readonly ok: boolean;
  readonly text: string;
  readonly elapsedMs: number;
  /** Refused because another operation runs (nothing was tried), rather than failed. */
  readonly refused?: boolean;
}

/** The stack as the GUI shows it, and the actions on it. */
export interface StackStore {
  api: ControlApi | null;
  status: StackStatus | null;
  connected: boolean;
  /**
   * When the event stream from the supervisor was lost (null while connected, and before the first connection):
   * `status` is then only what the supervisor last reported, and must be shown as such.
   */
  lostAt: number | null;
  /** The phase of the operation running now (start, stop, reset), with its start time on this clock. */
  phase: { event: StackPhaseEvent; since: number } | null;
  /** The action in flight, so its button shows progress and others wait, and when it began. */
  busy: string | null;
  busySince: number | null;
  /** The last action's error, shown until the next action. */
  error: string | null;
  /** How the last action ended; cleared when the next one starts, so no run shows an older run's "Done". */
  outcome: ActionOutcome | null;
  lastReset: ResetResult | null;
  preflight: PreflightReport | null;
  preflightError: string | null;
  preflightRunning: boolean;
  settings: SettingsInfo | null;
  connect: (api: ControlApi) => void;
  setConnected: (up: boolean) => void;
  refresh: () => Promise<void>;
  loadPreflight: () => Promise<void>;
  /** Runs the pre-flight checks again now. */
  rerunPreflight: () => Promise<void>;
  handleEvent: (event: StackEvent) => void;
  /**
   * Runs an action (one at a time); `describe` turns its result into the completion message. Never rejects: a
   * failure becomes `error` and a failed `outcome`.
   */
  act: (
    label: string,
    work: (api: ControlApi) => Promise<unknown>,
    describe?: (result: unknown) => string,
  ) => Promise<void>;
}

/** The one store of stack state; events from the control API keep it live. */
export const useStackStore = create<StackStore>((set, get) => {
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  // Many events arrive in bursts (a start emits dozens): refresh the snapshot once per burst.
  const scheduleRefresh = (): void => {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      void get().refresh();
    }, 50);
  };
  const preflightCall = async (run: (api: ControlApi) => Promise<PreflightReport>): Promise<void> => {
    const api = get().api;
    if (!api) return;
    set({ preflightRunning: true, preflightError: null });
    try {
      set({ preflight: await run(api) });
    } catch (error: unknown) {
      set({ preflightError: explainedText(error) });
    } finally {
      set({ preflightRunning: false });
    }
  };
  return {
    api: null,
    status: null,
    connected: false,
    lostAt: null,
    phase: null,
    busy: null,
    busySince: null,
    error: null,
    outcome: null,
    lastReset: null,
    preflight: null,
    preflightError: null,
    preflightRunning: false,
    settings: null,
    connect(api) {
      setAppClients({ control: api });
      set({ api });
      void get().refresh();
      void get().loadPreflight();
    },
    setConnected(up) {
      // The first lost connection dates the staleness; failed reconnection attempts keep that time.
      set({ connected: up, lostAt: up ? null : get().connected ? Date.now() : get().lostAt });
      // After a reconnection the snapshot may be stale (events were missed while away).
      if (up) scheduleRefresh();
    },
    async refresh() {
      const api = get().api;
      if (!api) return;
      try {
        set({ status: await api.call('GET /v1/status', {}) });
      } catch (error: unknown) {
        set({ error: explainedText(error) });
      }
    },
    loadPreflight: () => preflightCall((api) => api.call('GET /v1/preflight', {})),
    rerunPreflight: () => preflightCall((api) => api.call('POST /v1/preflight', {})),
    handleEvent(event) {
      if (event.type === 'stack-phase' && event.phase !== 'services') {
        // The start time on this clock: the server's clock may differ, and an elapsed time is never negative.
        const since = Date.now() - Math.max(0, event.elapsedMs);
        set({ phase: event.status === 'running' ? { event, since } : null });
        // A reset (from here or from the CLI) may have taken the signed-in user's session with it.
        if (event.operation === 'reset' && event.status === 'done')
          void useAuthStore.getState().checkSessionAfterReset();
      }
      scheduleRefresh();
    },
    async act(label, work, describe) {
      const api = get().api;
      if (!api || get().busy) return;
      const started = Date.now();
      set({ busy: label, busySince: started, error: null, outcome: null });
      try {
        const result = await work(api);
        const elapsedMs = Date.now() - started;
        if (isResetResult(result)) {
          set({
            lastReset: result,
            error: result.ok ? null : (result.error ?? 'failed'),
            outcome: {
              label,
              ok: result.ok,
              elapsedMs: result.elapsedMs,
              text: result.ok
                ? `${label}: done in ${seconds(result.elapsedMs)}.${result.reinitialised ? ' The database cluster was created anew.' : ''}`
                : `${label} failed after ${seconds(result.elapsedMs)}: ${result.error ?? 'no reason given'}`,
            },
          });
          if (result.ok) void useAuthStore.getState().checkSessionAfterReset();
        } else {
          set({
            outcome: {
              label,
              ok: true,
              elapsedMs,
              text: describe ? describe(result) : `${label}: done in ${seconds(elapsedMs)}.`,
            },
          });
        }
      } catch (error: unknown) {
        const text = explainedText(error);
        // Refused because another operation runs: nothing was tried, so it did not "fail".
        const refused = busyBody(error) !== null;
        const outcomeText = refused ? `${label}: not started. ${text}` : `${label} failed: ${text}`;
        set({
          error: text,
          outcome: { label, ok: false, elapsedMs: Date.now() - started, text: outcomeText, refused },
        });
      } finally {
        set({ busy: null, busySince: null });
        await get().refresh();
      }
    },
  };
});

function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

function isResetResult(value: unknown): value is ResetResult {
  return typeof value === 'object' && value !== null && 'reinitialised' in value && 'elapsedMs' in value;
}
