import type { SupabaseClient } from '@supabase/supabase-js';
import { create, type StoreApi, type UseBoundStore } from 'zustand';

import { describeApiError } from '../api/api-error.js';
import { appClients, type Clients } from '../api/clients.js';
import {
  authCovers,
  base64Bytes,
  fetchGatewayAuth,
  type GatewayAuth,
  GatewayError,
  GatewayUnreachableError,
  labelValue,
  listJournals,
  listShards,
  readJournal,
  type Shard,
} from '../api/gateway-client.js';

/** How often the shard status is polled while something shows it (the original UI polled every 30 s). */
export const SHARDS_INTERVAL_MS = 30_000;
/** Documents a journal preview shows, and the bytes it reads at most per journal. */
export const PREVIEW_DOCUMENTS = 20;
export const PREVIEW_MAX_BYTES = 1024 * 1024;

/** Whether the gateway answered last time: `unknown` before the first try. */
export type GatewayState = 'unknown' | 'up' | 'down';

/** A collection's first documents, as the journal preview shows them. */
export interface JournalPreviewState {
  readonly status: 'loading' | 'ready' | 'error' | 'no-data-plane';
  readonly documents: readonly unknown[];
  /** The journals (partitions) read. */
  readonly journals: readonly string[];
  /** True when there are more documents than shown. */
  readonly truncated: boolean;
  readonly error: string | null;
  readonly loadedAt: number | null;
}

/** What a shard badge shows for a task. */
export type ShardSummary =
  | { readonly kind: 'no-data-plane' }
  | { readonly kind: 'loading' }
  | { readonly kind: 'none' }
  | { readonly kind: 'disabled' }
  | { readonly kind: 'failed'; readonly errors: readonly string[] }
  | { readonly kind: 'pending'; readonly code: string }
  | { readonly kind: 'running'; readonly shards: number };

interface ShardsStore {
  gateway: GatewayState;
  /** Shards per watched task name, from the last listing (an empty list: the task has none). */
  shards: Readonly<Record<string, readonly Shard[]>>;
  /** Task names something shows, with how many views show each. */
  watched: Readonly<Record<string, number>>;
  error: string | null;
  refreshedAt: number | null;
  journals: Readonly<Record<string, JournalPreviewState>>;
  /** Starts showing a task's shards; returns the function that stops it. */
  watch: (taskName: string) => () => void;
  /**
   * One round: a token for the watched names (reused while it covers them), then one shard listing. Asked for
   * during a round, it runs once more after it.
   */
  refresh: () => Promise<void>;
  /** Polls every `intervalMs` while at least one caller keeps it; returns the function to release it. */
  startPolling: (intervalMs?: number) => () => void;
  /** Loads the first documents of a collection (all its journals, up to PREVIEW_DOCUMENTS). */
  loadJournal: (collection: string) => Promise<void>;
}

/** Tokens per client, by user and the sorted prefixes they were asked for; they expire after an hour. */
const tokens = new WeakMap<SupabaseClient, Map<string, GatewayAuth>>();

async function tokenFor(
  client: SupabaseClient,
  names: readonly string[],
  fresh = false,
): Promise<GatewayAuth> {
  // A token is the signed-in user's: another user on the same client (sign-out, sign-in) needs their own.
  const { data } = await client.auth.getSession();
  const key = `${data.session?.user.id ?? 'anonymous'}\n${[...names].sort().join('\n')}`;
  let cache = tokens.get(client);
  if (!cache) tokens.set(client, (cache = new Map<string, GatewayAuth>()));
  for (const [k, auth] of cache) if (auth.expiresAt < Date.now()) cache.delete(k);
  const cached = cache.get(key);
  if (!fresh && cached && authCovers(cached, [], Date.now())) return cached;
  // Each name is its own prefix: the token grants exactly what is shown, and only what the user may read.
  const auth = await fetchGatewayAuth(client, names);
  cache.set(key, auth);
  return auth;
}

/** Runs a gateway call with a token; a rejected token is replaced once (it may have expired meanwhile). */
async function withToken<T>(
  client: SupabaseClient,
  names: readonly string[],
  use: (auth: GatewayAuth) => Promise<T>,
): Promise<T> {
  try {
    return await use(await tokenFor(client, names));
  } catch (error: unknown) {
    if (error instanceof GatewayError && error.isAuthError) return use(await tokenFor(client, names, true));
    throw error;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : describeApiError(error);
}

/**
 * Makes the store of shard status through the data-plane gateway, and journal previews. Each round asks
 * `clients` for the Supabase client it gets its gateway token with (so polling follows a new client or user);
 * tests pass their own clients, the GUI uses `appClients`.
 */
export function createShardsStore(clients: Clients = appClients): UseBoundStore<StoreApi<ShardsStore>> {
  let polling: { timer: ReturnType<typeof setInterval>; holders: number } | null = null;
  let refreshing: Promise<void> | null = null;
  /** A round asked for while one runs: it runs next, so names watched meanwhile are not left for the interval. */
  let followUp: Promise<void> | null = null;
  let soon: ReturnType<typeof setTimeout> | null = null;
  return create<ShardsStore>((set, get) => ({
    gateway: 'unknown',
    shards: {},
    watched: {},
    error: null,
    refreshedAt: null,
    journals: {},

    watch(taskName) {
      const isNew = !(taskName in get().watched);
      set({ watched: { ...get().watched, [taskName]: (get().watched[taskName] ?? 0) + 1 } });
      // A badge that appears while polling gets its status now rather than at the next interval.
      if (isNew && polling && !soon) {
        soon = setTimeout(() => {
          soon = null;
          void get().refresh();
        }, 50);
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const count = (get().watched[taskName] ?? 1) - 1;
        const watched = { ...get().watched };
        if (count > 0) watched[taskName] = count;
        else delete watched[taskName];
        set({ watched });
      };
    },

    refresh() {
      if (refreshing) {
        followUp ??= refreshing.then(() => {
          followUp = null;
          return get().refresh();
        });
        return followUp;
      }
      refreshing = (async () => {
        const names = Object.keys(get().watched).sort();
        if (names.length === 0) return;
        try {
          const shards = await withToken(clients.supabase(), names, async (auth) => {
            const readable = names.filter((n) => auth.prefixes.some((p) => n.startsWith(p)));
            if (readable.length === 0) return [];
            return listShards(auth, {
              include: { labels: readable.map((value) => ({ name: 'estuary.dev/task-name', value })) },
            });
          });
          const byTask: Record<string, Shard[]> = Object.fromEntries(names.map((n) => [n, []]));
          for (const shard of shards) {
            const task = labelValue(shard.spec, 'estuary.dev/task-name');
            if (task !== undefined) (byTask[task] ??= []).push(shard);
          }
          set({ gateway: 'up', shards: byTask, error: null, refreshedAt: Date.now() });
        } catch (error: unknown) {
          set({
            gateway: error instanceof GatewayUnreachableError ? 'down' : get().gateway,
            error: messageOf(error),
            refreshedAt: Date.now(),
          });
        }
      })().finally(() => {
        refreshing = null;
      });
      return refreshing;
    },

    startPolling(intervalMs = SHARDS_INTERVAL_MS) {
      polling ??= { timer: setInterval(() => void get().refresh(), intervalMs), holders: 0 };
      polling.holders++;
      void get().refresh();
      let released = false;
      return () => {
        if (released || !polling) return;
        released = true;
        polling.holders--;
        if (polling.holders <= 0) {
          clearInterval(polling.timer);
          polling = null;
        }
      };
    },

    async loadJournal(collection) {
      const update = (patch: Partial<JournalPreviewState>): void => {
        const current: JournalPreviewState = get().journals[collection] ?? {
          status: 'loading',
          documents: [],
          journals: [],
          truncated: false,
          error: null,
          loadedAt: null,
        };
        set({ journals: { ...get().journals, [collection]: { ...current, ...patch } } });
      };
      update({ status: 'loading', error: null });
      try {
        const preview = await withToken(clients.supabase(), [collection], async (auth) => {
          const journals = await listJournals(auth, {
            include: { labels: [{ name: 'estuary.dev/collection', value: collection }] },
          });
          const names = journals.map((j) => j.name).sort();
          const documents: unknown[] = [];
          let truncated = false;
          for (const journal of names) {
            if (documents.length >= PREVIEW_DOCUMENTS) {
              truncated = true;
              break;
            }
            const read = await firstDocuments(auth, journal, PREVIEW_DOCUMENTS - documents.length);
            documents.push(...read.documents);
            truncated ||= read.truncated;
          }
          return { documents, journals: names, truncated };
        });
        update({ status: 'ready', ...preview, loadedAt: Date.now() });
      } catch (error: unknown) {
        update({
          status: error instanceof GatewayUnreachableError ? 'no-data-plane' : 'error',
          error: messageOf(error),
          loadedAt: Date.now(),
        });
      }
    },
  }));
}

/** The GUI's shards store. */
export const useShardsStore = createShardsStore();

/**
 * The first `limit` documents of a journal: its write head first (a metadata-only read), then one bounded read
 * from the start. Documents are newline-delimited JSON; acknowledgements (`_meta.ack`) are not documents.
 */
async function firstDocuments(
  auth: GatewayAuth,
  journal: string,
  limit: number,
): Promise<{ documents: unknown[]; truncated: boolean }> {
  const [meta] = await readJournal(auth, { journal, offset: 0, metadataOnly: true });
  const writeHead = Number(meta?.writeHead ?? 0);
  if (!(writeHead > 0)) return { documents: [], truncated: false };
  const endOffset = Math.min(writeHead, PREVIEW_MAX_BYTES);
  const responses = await readJournal(auth, { journal, offset: 0, endOffset });
  const chunks = responses.filter((r) => r.content).map((r) => base64Bytes(r.content ?? ''));
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  const lines = new TextDecoder().decode(bytes).split('\n');
  // A read cut at PREVIEW_MAX_BYTES may end inside a document: the last, unterminated line is dropped.
  lines.pop();
  const documents: unknown[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    const doc = JSON.parse(line) as { _meta?: { ack?: boolean } };
    if (doc._meta?.ack) continue;
    if (documents.length === limit) return { documents, truncated: true };
    documents.push(doc);
  }
  return { documents, truncated: endOffset < writeHead };
}

/** What a badge shows for a task, from the store's state. */
export function summarizeShards(gateway: GatewayState, shards: readonly Shard[] | undefined): ShardSummary {
  if (gateway === 'down') return { kind: 'no-data-plane' };
  if (shards === undefined) return { kind: 'loading' };
  if (shards.length === 0) return { kind: 'none' };
  if (shards.every((s) => s.spec.disable)) return { kind: 'disabled' };
  const statuses = shards.filter((s) => !s.spec.disable).flatMap((s) => s.status ?? []);
  const failed = statuses.filter((s) => s.code === 'FAILED');
  if (failed.length > 0) return { kind: 'failed', errors: failed.flatMap((s) => s.errors ?? []) };
  const pending = statuses.find((s) => s.code !== 'PRIMARY');
  if (pending || statuses.length === 0) return { kind: 'pending', code: pending?.code ?? 'IDLE' };
  return { kind: 'running', shards: shards.length };
}
