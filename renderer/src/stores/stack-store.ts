import { create } from 'zustand';

import type { PreflightCheck, ResetResult, SettingsInfo } from '../../../shared/control-api.js';
import type { StackEvent, StackPhaseEvent } from '../../../shared/stack-events.js';
import type { StackStatus } from '../../../shared/stack-status.js';
import type { ControlApi } from '../api/control-client.js';

/** The stack as the GUI shows it, and the actions on it. */
export interface StackStore {
  api: ControlApi | null;
  status: StackStatus | null;
  connected: boolean;
  /** The phase of the operation running now (start, stop, reset), with its start time for the clock. */
  phase: { event: StackPhaseEvent; since: number } | null;
  /** The action in flight, so its button shows progress and others wait. */
  busy: string | null;
  /** The last action's error, shown until the next action. */
  error: string | null;
  lastReset: ResetResult | null;
  preflight: readonly PreflightCheck[];
  settings: SettingsInfo | null;
  diagnostics: string | null;
  connect: (api: ControlApi) => void;
  setConnected: (up: boolean) => void;
  refresh: () => Promise<void>;
  handleEvent: (event: StackEvent) => void;
  act: (label: string, work: (api: ControlApi) => Promise<unknown>) => Promise<void>;
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
  return {
    api: null,
    status: null,
    connected: false,
    phase: null,
    busy: null,
    error: null,
    lastReset: null,
    preflight: [],
    settings: null,
    diagnostics: null,
    connect(api) {
      set({ api });
      void get().refresh();
      void api.call('GET /v1/preflight', {}).then((r) => set({ preflight: r.checks }));
    },
    setConnected(up) {
      set({ connected: up });
      // After a reconnection the snapshot may be stale (events were missed while away).
      if (up) scheduleRefresh();
    },
    async refresh() {
      const api = get().api;
      if (!api) return;
      try {
        set({ status: await api.call('GET /v1/status', {}) });
      } catch (error: unknown) {
        set({ error: messageOf(error) });
      }
    },
    handleEvent(event) {
      if (event.type === 'stack-phase' && event.phase !== 'services') {
        set({
          phase: event.status === 'running' ? { event, since: Date.parse(event.at) - event.elapsedMs } : null,
        });
      }
      scheduleRefresh();
    },
    async act(label, work) {
      const api = get().api;
      if (!api || get().busy) return;
      set({ busy: label, error: null });
      try {
        const result = await work(api);
        if (isResetResult(result))
          set({ lastReset: result, error: result.ok ? null : (result.error ?? 'failed') });
      } catch (error: unknown) {
        set({ error: messageOf(error) });
      } finally {
        set({ busy: null });
        await get().refresh();
      }
    },
  };
});

function isResetResult(value: unknown): value is ResetResult {
  return typeof value === 'object' && value !== null && 'reinitialised' in value && 'elapsedMs' in value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
