import { create, type StoreApi, type UseBoundStore } from 'zustand';

import type {
  AuthRoleRow,
  ConnectorRow,
  ConnectorTagRow,
  DiscoverRow,
  DraftRow,
  Json,
  Localized,
} from '../../../shared/control-plane-rows.js';
import { describeApiError, unwrap } from '../api/api-error.js';
import { encryptEndpointConfig } from '../api/endpoint-encryption.js';
import { appClients, type Clients, type ControlApi } from '../api/clients.js';
import { LatestRequest } from '../lib/latest-request.js';
import { useJobsStore } from './jobs-store.js';
import { explainedText } from '../api/explain-error.js';

/** A connector tag as the cards list it: everything but the (possibly large) schemas. */
export type ConnectorTagSummary = Pick<
  ConnectorTagRow,
  'id' | 'connector_id' | 'image_tag' | 'job_status' | 'documentation_url' | 'protocol' | 'updated_at'
>;

/** A connector with its tags, newest tag first. */
export interface ConnectorCardRow extends ConnectorRow {
  readonly connector_tags: readonly ConnectorTagSummary[];
}

/** One tag with its schemas and its connector, as the discover wizard needs it. */
export interface ConnectorTagDetail extends ConnectorTagRow {
  readonly connectors: ConnectorRow;
}

/** What the wizard submits. */
export interface DiscoverInput {
  readonly tagId: string;
  /** The tag's connector (looked up when not given). */
  readonly connectorId?: string;
  readonly captureName: string;
  /** As the user entered it: it is encrypted (secret fields) before anything is saved. */
  readonly endpointConfig: Record<string, Json>;
  /** The new draft's description. */
  readonly detail: string;
  /** Discover into this draft instead of a new one (a retry after a failed discover). */
  readonly draftId?: string;
}

/** A discover the user started: the draft it fills and the queue row the agent works. */
export interface StartedDiscover {
  readonly tagId: string;
  readonly captureName: string;
  readonly draftId: string;
  readonly discoverId: string;
  /** The fields that were saved sops-encrypted (`password`, `credentials.refresh_token`). */
  readonly encryptedFields: readonly string[];
}

/** The connectors page and the discover wizard. */
export interface ConnectorsStore {
  connectors: readonly ConnectorCardRow[];
  loading: boolean;
  /** True once a load succeeded (there is a list to show, maybe empty). */
  loaded: boolean;
  /** Why the last load failed; null after a load that worked. */
  error: string | null;
  /** The tag the wizard shows, with its schemas. */
  tag: ConnectorTagDetail | null;
  tagLoading: boolean;
  tagError: string | null;
  /** The discover submitted last (its job is followed in the jobs store). */
  discover: StartedDiscover | null;
  submitting: boolean;
  submitError: string | null;
  load: () => Promise<void>;
  /** The tag whose retry is being asked for. */
  retrying: string | null;
  /** Why the last retry was refused, for the tag it was asked for. */
  retryError: { readonly tagId: string; readonly text: string } | null;
  /**
   * Queues a tag's job again (the control API's `POST /v1/connector-tags/retry`: users may not change
   * connector_tags themselves), shows it queued at once, and reloads the list, which then follows the new job.
   */
  retryTag: (tagId: string) => Promise<void>;
  loadTag: (tagId: string) => Promise<void>;
  startDiscover: (input: DiscoverInput) => Promise<StartedDiscover | null>;
  /** Forgets the last discover and its error (a new run of the wizard). */
  resetDiscover: () => void;
  /** The user the wizard's state belongs to: another user's discover is forgotten. */
  userId: string | null;
  forUser: (userId: string | null) => void;
}

const CONNECTOR_COLUMNS =
  'id, created_at, updated_at, detail, external_url, image_name, title, short_description, logo_url, recommended';
const TAG_SUMMARY_COLUMNS =
  'id, connector_id, image_tag, job_status, documentation_url, protocol, updated_at';

/** How many connectors one load reads (production has a few hundred). */
export const CONNECTORS_LIMIT = 1000;

/** A localized Open Graph field: `en-US` first, else any language, else null. */
export function localized(value: Localized | null | undefined): string | null {
  if (!value) return null;
  return value['en-US'] ?? Object.values(value)[0] ?? null;
}

/** A connector's display title: its Open Graph title, else the last part of its image name. */
export function connectorTitle(connector: Pick<ConnectorRow, 'title' | 'image_name'>): string {
  return localized(connector.title) ?? connector.image_name.split('/').pop() ?? connector.image_name;
}

/** The `catalog_name` domain: `/`-separated components of letters, digits, `-`, `_` and `.`. */
const CATALOG_NAME = /^[\p{L}\p{N}\-_.]+(\/[\p{L}\p{N}\-_.]+)*$/u;

/**
 * Why a capture name cannot be used, or null when it can: it must be a catalog name (as the database checks)
 * with at least a prefix, under a prefix the user may write (else publishing the draft would fail).
 */
export function captureNameProblem(name: string, roles: readonly AuthRoleRow[]): string | null {
  if (name.trim() === '') return 'Enter a name for the capture, e.g. acmeCo/source-postgres.';
  if (name !== name.trim()) return 'The name must not start or end with spaces.';
  if (!CATALOG_NAME.test(name)) {
    return 'Not a catalog name: use letters, digits, "-", "_" and ".", in parts separated by "/", not ending in "/".';
  }
  if (!name.includes('/')) return `The name needs a prefix, e.g. acmeCo/${name}.`;
  const writable = writablePrefixes(roles);
  if (!writable.some((prefix) => name.startsWith(prefix))) {
    return writable.length === 0
      ? 'You may not write any prefix yet: ask an admin for a grant, or apply a directive.'
      : `You may write only under ${writable.join(', ')}.`;
  }
  return null;
}

/** The prefixes the user may write (or administer), in order. */
export function writablePrefixes(roles: readonly AuthRoleRow[]): string[] {
  return roles.filter((r) => r.capability === 'write' || r.capability === 'admin').map((r) => r.role_prefix);
}

/** The wizard's suggested capture name: the first writable prefix and the connector's image name. */
export function suggestedCaptureName(imageName: string, roles: readonly AuthRoleRow[]): string {
  const prefix = writablePrefixes(roles)[0] ?? '';
  return `${prefix}${imageName.split('/').pop() ?? 'capture'}`;
}

/** Makes the store; tests pass their own clients, the GUI uses `appClients`. */
export function createConnectorsStore(
  clients: Clients = appClients,
): UseBoundStore<StoreApi<ConnectorsStore>> {
  return create<ConnectorsStore>((set, get) => {
    // Only the newest listing may answer: a slow older one would bring back a list already refreshed.
    const loads = new LatestRequest();
    return {
      connectors: [],
      loading: false,
      loaded: false,
      error: null,
      tag: null,
      tagLoading: false,
      tagError: null,
      discover: null,
      submitting: false,
      submitError: null,
      retrying: null,
      retryError: null,

      load: async () => {
        set({ loading: true, error: null });
        await loads.run(
          async () =>
            unwrap<ConnectorCardRow[]>(
              await clients
                .supabase()
                .from('connectors')
                .select(`${CONNECTOR_COLUMNS}, connector_tags(${TAG_SUMMARY_COLUMNS})`)
                .order('recommended', { ascending: false })
                .order('image_name')
                .limit(CONNECTORS_LIMIT),
            ),
          {
            value: (rows) => {
              const connectors = rows.map((c) => ({
                ...c,
                connector_tags: [...c.connector_tags].sort((a, b) => b.image_tag.localeCompare(a.image_tag)),
              }));
              set({ connectors, loading: false, loaded: true });
            },
            error: (e) => set({ error: describeApiError(e), loading: false }),
          },
        );
      },

      retryTag: async (tagId) => {
        let api: ControlApi;
        try {
          api = clients.control();
        } catch {
          return; // not connected to the supervisor (yet): nothing to retry with
        }
        if (get().retrying) return;
        set({ retrying: tagId, retryError: null });
        try {
          const retry = await api.call('POST /v1/connector-tags/retry', { tagId });
          set({
            connectors: get().connectors.map((c) => ({
              ...c,
              connector_tags: c.connector_tags.map((t) =>
                t.id === tagId ? { ...t, job_status: retry.jobStatus, updated_at: retry.updatedAt } : t,
              ),
            })),
          });
        } catch (e) {
          set({ retryError: { tagId, text: explainedText(e) } });
        } finally {
          set({ retrying: null });
        }
        // A refused retry (queued already, an agent holds it) shows the tag as it is now. A retry that was
        // taken shows the tag queued, and the list refreshes itself while a tag is queued.
        if (get().retryError?.tagId === tagId) await get().load();
      },

      loadTag: async (tagId) => {
        set({ tagLoading: true, tagError: null, tag: get().tag?.id === tagId ? get().tag : null });
        try {
          const rows = unwrap<ConnectorTagDetail[]>(
            await clients
              .supabase()
              .from('connector_tags')
              .select(`*, connectors(${CONNECTOR_COLUMNS})`)
              .eq('id', tagId),
          );
          const tag = rows[0];
          if (!tag) set({ tagError: `There is no connector tag ${tagId}.`, tag: null, tagLoading: false });
          else set({ tag, tagLoading: false });
        } catch (e) {
          set({ tagError: describeApiError(e), tagLoading: false });
        }
      },

      startDiscover: async (input) => {
        const client = clients.supabase();
        set({ submitting: true, submitError: null });
        let draftId = input.draftId ?? null;
        const newDraft = draftId === null;
        try {
          // Secrets are encrypted before anything is written: the draft never holds them in plain text.
          const connectorId =
            input.connectorId ??
            unwrap<Pick<ConnectorTagRow, 'connector_id'>>(
              await client.from('connector_tags').select('connector_id').eq('id', input.tagId).single(),
            ).connector_id;
          const encrypted = await encryptEndpointConfig(
            client,
            connectorId,
            input.tagId,
            input.endpointConfig,
          );
          draftId ??= unwrap<Pick<DraftRow, 'id'>>(
            await client.from('drafts').insert({ detail: input.detail }).select('id').single(),
          ).id;
          const row = unwrap<Pick<DiscoverRow, 'id'>>(
            await client
              .from('discovers')
              .insert({
                capture_name: input.captureName,
                connector_tag_id: input.tagId,
                draft_id: draftId,
                endpoint_config: encrypted.config,
              })
              .select('id')
              .single(),
          );
          const discover: StartedDiscover = {
            tagId: input.tagId,
            captureName: input.captureName,
            draftId,
            discoverId: row.id,
            encryptedFields: encrypted.encryptedFields,
          };
          set({ discover, submitting: false });
          void useJobsStore.getState().watch(client, 'discovers', row.id);
          return discover;
        } catch (e) {
          // An empty draft left behind would only clutter the drafts list.
          if (newDraft && draftId !== null) await client.from('drafts').delete().eq('id', draftId);
          set({ submitError: describeApiError(e), submitting: false });
          return null;
        }
      },

      resetDiscover: () => set({ discover: null, submitError: null }),
      userId: null,
      forUser: (userId) => {
        if (get().userId !== userId) set({ userId, discover: null, submitError: null });
      },
    };
  });
}

/** The GUI's connectors store. */
export const useConnectorsStore = createConnectorsStore();
