import { create, type StoreApi, type UseBoundStore } from 'zustand';

import type { MigrationsInfo, PendingFileContent } from '../../../shared/control-api.js';
import { appClients, type Clients } from '../api/clients.js';

/** The migrations page's state: what the control API reports, the pending file open, the lint in flight. */
export interface MigrationsStore {
  info: MigrationsInfo | null;
  loading: boolean;
  error: string | null;
  /** The pending file shown in full. */
  open: PendingFileContent | null;
  /** When the lint running now started (for its elapsed clock), or null. */
  lintSince: number | null;
  /** Loads (or reloads) everything the page lists. */
  load: () => Promise<void>;
  /** Fetches one pending file's text and classified statements. */
  openPending: (file: string) => Promise<void>;
  closePending: () => void;
  /** Lints the migrations on a scratch database in the stack's cluster. */
  runLint: () => Promise<void>;
}

/** Makes the store of the migrations page; every call goes through the control API client of `clients`. */
export function createMigrationsStore(
  clients: Clients = appClients,
): UseBoundStore<StoreApi<MigrationsStore>> {
  return create<MigrationsStore>((set, get) => {
    const failed = (error: unknown): void =>
      set({ error: error instanceof Error ? error.message : String(error) });
    return {
      info: null,
      loading: false,
      error: null,
      open: null,
      lintSince: null,
      async load() {
        set({ loading: true });
        try {
          set({ info: await clients.control().call('GET /v1/migrations', {}), error: null });
        } catch (error: unknown) {
          failed(error);
        } finally {
          set({ loading: false });
        }
      },
      async openPending(file) {
        try {
          set({ open: await clients.control().call('GET /v1/migrations/pending', { file }), error: null });
        } catch (error: unknown) {
          failed(error);
        }
      },
      closePending() {
        set({ open: null });
      },
      async runLint() {
        if (get().lintSince !== null) return;
        set({ lintSince: Date.now(), error: null });
        try {
          const lint = await clients.control().call('POST /v1/migrations/lint', {});
          const info = get().info;
          set({ info: info ? { ...info, lint } : info });
        } catch (error: unknown) {
          failed(error);
        } finally {
          set({ lintSince: null });
        }
      },
    };
  });
}

/** The GUI's migrations store. */
export const useMigrationsStore = createMigrationsStore();
