import type { SupabaseClient } from '@supabase/supabase-js';
import { create, type StoreApi, type UseBoundStore } from 'zustand';

import type {
  CatalogSpecType,
  DraftErrorRow,
  DraftRow,
  DraftSpecExtRow,
  Json,
  PublicationSpecExtRow,
} from '../../../shared/control-plane-rows.js';
import type { PublicationStatus } from '../../../shared/job-status.js';
import { parseErrorScope } from '../../../shared/catalog/error-scope.js';
import { describeApiError, unwrap } from '../api/api-error.js';
import { appClients, type Clients } from '../api/clients.js';
import { useJobsStore } from './jobs-store.js';

/** How many drafts the list shows (a user has a handful; the count says when there are more). */
export const DRAFTS_PAGE = 200;

/** The open draft: its row, its specs beside their live versions, and the errors of its last publication. */
export interface DraftEditorState {
  readonly draftId: string;
  readonly draft: DraftRow | null;
  readonly specs: readonly DraftSpecExtRow[];
  readonly errors: readonly DraftErrorRow[];
  readonly loading: boolean;
  /** The draft does not exist or is not the user's (RLS hides other users' drafts). */
  readonly notFound: boolean;
}

/** A spec a publication changed, as the result lists it. */
export type PublishedSpec = Pick<PublicationSpecExtRow, 'catalog_name' | 'spec_type' | 'pub_id'>;

/** A dry run or publication of the open draft, followed until it ends. */
export interface PublicationRun {
  readonly id: string;
  readonly draftId: string;
  readonly dryRun: boolean;
  /** The outcome once the job ended (its progress and logs are in the jobs store). */
  readonly status: PublicationStatus | null;
  /** What a successful publication changed (empty for a dry run). */
  readonly published: readonly PublishedSpec[];
}

interface DraftsStore {
  drafts: readonly DraftRow[] | null;
  /** All drafts of the user (exact count), when more than a page. */
  total: number | null;
  listLoading: boolean;
  /** Why the list could not be loaded (shown instead of the list, never beside an empty one). */
  listError: string | null;
  editor: DraftEditorState | null;
  /** Unsaved JSON text per catalog name of the open draft. */
  edits: Readonly<Record<string, string>>;
  publication: PublicationRun | null;
  /** The action in flight, for its button's text. */
  busy: string | null;
  error: string | null;
  loadDrafts: () => Promise<void>;
  /** Creates a draft; returns its id (null when it failed: see `error`). */
  createDraft: (detail: string) => Promise<string | null>;
  renameDraft: (id: string, detail: string) => Promise<void>;
  deleteDraft: (id: string) => Promise<void>;
  openDraft: (id: string) => Promise<void>;
  /** Re-reads the open draft's specs and errors, keeping unsaved edits. */
  reloadDraft: () => Promise<void>;
  addSpec: (catalogName: string, type: CatalogSpecType, spec: Json) => Promise<boolean>;
  /** Records unsaved text for a spec (null: no unsaved changes). */
  setEdit: (catalogName: string, text: string | null) => void;
  /** Saves a spec's unsaved text; text that is not JSON is refused and kept. */
  saveSpec: (catalogName: string) => Promise<boolean>;
  /** Publishing then deletes the live spec (spec null). */
  markForDeletion: (catalogName: string) => Promise<void>;
  /** Undoes `markForDeletion`: the draft holds the live version again. */
  restoreSpec: (catalogName: string) => Promise<void>;
  /** Takes the spec out of the draft (publishing leaves it as it is). */
  removeSpec: (catalogName: string) => Promise<void>;
  /** Replaces the draft's version with the current live one and its publication id (after a conflict). */
  recopyLive: (catalogName: string) => Promise<void>;
  publish: (dryRun: boolean) => Promise<void>;
  clearError: () => void;
}

/**
 * Makes the store of the drafts of the signed-in user (their RLS), the open draft, and what publishing it did;
 * tests pass their own clients, the GUI uses `appClients`.
 */
export function createDraftsStore(clients: Clients = appClients): UseBoundStore<StoreApi<DraftsStore>> {
  return create<DraftsStore>((set, get) => {
    /** Runs an action with its label; errors end up in `error` with their PostgREST message. */
    const run = async <T>(label: string, work: (client: SupabaseClient) => Promise<T>): Promise<T | null> => {
      set({ busy: label, error: null });
      try {
        return await work(clients.supabase());
      } catch (e) {
        set({ error: describeApiError(e) });
        return null;
      } finally {
        set({ busy: null });
      }
    };

    const openId = (): string => {
      const id = get().editor?.draftId;
      if (!id) throw new Error('No draft is open.');
      return id;
    };

    const specOf = (catalogName: string): DraftSpecExtRow => {
      const spec = get().editor?.specs.find((s) => s.catalog_name === catalogName);
      if (!spec) throw new Error(`${catalogName} is not in this draft.`);
      return spec;
    };

    const updateSpec = async (
      client: SupabaseClient,
      catalogName: string,
      values: { spec: Json | null; spec_type: CatalogSpecType | null },
    ): Promise<void> => {
      unwrap(
        await client
          .from('draft_specs')
          .update(values)
          .eq('draft_id', openId())
          .eq('catalog_name', catalogName)
          .select('id')
          .single(),
      );
    };

    const dropEdit = (catalogName: string): void => {
      const edits = { ...get().edits };
      delete edits[catalogName];
      set({ edits });
    };

    const readDraft = async (
      client: SupabaseClient,
      id: string,
    ): Promise<Omit<DraftEditorState, 'loading'>> => {
      const [draft, specs, errors] = await Promise.all([
        client.from('drafts_ext').select('*').eq('id', id).maybeSingle(),
        client.from('draft_specs_ext').select('*').eq('draft_id', id).order('catalog_name'),
        client.from('draft_errors').select('*').eq('draft_id', id),
      ]);
      const row = unwrap<DraftRow | null>(draft);
      return {
        draftId: id,
        draft: row,
        specs: row ? unwrap<DraftSpecExtRow[]>(specs) : [],
        errors: row ? unwrap<DraftErrorRow[]>(errors) : [],
        notFound: row === null,
      };
    };

    return {
      drafts: null,
      total: null,
      listLoading: false,
      listError: null,
      editor: null,
      edits: {},
      publication: null,
      busy: null,
      error: null,

      loadDrafts: async () => {
        set({ listLoading: true, listError: null });
        try {
          const result = await clients
            .supabase()
            .from('drafts_ext')
            .select('*', { count: 'exact' })
            .order('updated_at', { ascending: false })
            .range(0, DRAFTS_PAGE - 1);
          set({ drafts: unwrap<DraftRow[]>(result), total: result.count });
        } catch (e) {
          set({ listError: describeApiError(e) });
        } finally {
          set({ listLoading: false });
        }
      },

      createDraft: (detail) =>
        run('Creating the draft…', async (client) => {
          const row = unwrap<Pick<DraftRow, 'id'>>(
            await client
              .from('drafts')
              .insert({ detail: detail.trim() || null })
              .select('id')
              .single(),
          );
          await get().loadDrafts();
          return row.id;
        }),

      renameDraft: async (id, detail) => {
        await run('Renaming the draft…', async (client) => {
          unwrap(
            await client
              .from('drafts')
              .update({ detail: detail.trim() || null })
              .eq('id', id)
              .select('id')
              .single(),
          );
          await get().loadDrafts();
          if (get().editor?.draftId === id) await get().reloadDraft();
        });
      },

      deleteDraft: async (id) => {
        await run('Deleting the draft…', async (client) => {
          unwrap(await client.from('drafts').delete().eq('id', id).select('id').single());
          if (get().editor?.draftId === id) set({ editor: null, edits: {} });
          await get().loadDrafts();
        });
      },

      openDraft: async (id) => {
        if (get().editor?.draftId !== id) {
          set({
            editor: { draftId: id, draft: null, specs: [], errors: [], loading: true, notFound: false },
            edits: {},
            error: null,
          });
        }
        try {
          const state = await readDraft(clients.supabase(), id);
          if (get().editor?.draftId === id) set({ editor: { ...state, loading: false } });
        } catch (e) {
          set({ error: describeApiError(e) });
          const editor = get().editor;
          if (editor?.draftId === id) set({ editor: { ...editor, loading: false } });
        }
      },

      reloadDraft: async () => {
        const id = get().editor?.draftId;
        if (id) await get().openDraft(id);
      },

      addSpec: async (catalogName, type, spec) =>
        (await run(`Adding ${catalogName}…`, async (client) => {
          if (get().editor?.specs.some((s) => s.catalog_name === catalogName))
            throw new Error(`${catalogName} is already in this draft.`);
          unwrap(
            await client
              .from('draft_specs')
              .insert({ draft_id: openId(), catalog_name: catalogName, spec, spec_type: type })
              .select('id')
              .single(),
          );
          await get().reloadDraft();
          return true;
        })) ?? false,

      setEdit: (catalogName, text) => {
        // Typing answers the last error (a refused save, say): it would only be stale now.
        if (get().error) set({ error: null });
        if (text === null) dropEdit(catalogName);
        else set({ edits: { ...get().edits, [catalogName]: text } });
      },

      saveSpec: async (catalogName) =>
        (await run(`Saving ${catalogName}…`, async (client) => {
          const text = get().edits[catalogName];
          if (text === undefined) return true;
          let spec: Json;
          try {
            spec = JSON.parse(text) as Json;
          } catch (e) {
            throw new Error(
              `${catalogName} was not saved: its text is not valid JSON (${e instanceof Error ? e.message : String(e)}). Fix the syntax error marked in the editor, or revert.`,
            );
          }
          if (spec === null)
            throw new Error(
              `${catalogName} was not saved: use "Mark for deletion" to delete a spec, not null.`,
            );
          const row = specOf(catalogName);
          const type = row.spec_type ?? row.live_spec_type;
          if (!type)
            throw new Error(`${catalogName} has no type: remove it and add it again from a template.`);
          await updateSpec(client, catalogName, { spec, spec_type: type });
          // Reload before dropping the edit, so the editor goes from the edit to the saved text with no flash
          // of the old version.
          await get().reloadDraft();
          dropEdit(catalogName);
          return true;
        })) ?? false,

      markForDeletion: async (catalogName) => {
        await run(`Marking ${catalogName} for deletion…`, async (client) => {
          await updateSpec(client, catalogName, { spec: null, spec_type: null });
          dropEdit(catalogName);
          await get().reloadDraft();
        });
      },

      restoreSpec: async (catalogName) => {
        await run(`Restoring ${catalogName}…`, async (client) => {
          const row = specOf(catalogName);
          if (row.live_spec === null || !row.live_spec_type)
            throw new Error(
              `${catalogName} has no live version to restore: remove it from the draft instead.`,
            );
          await updateSpec(client, catalogName, { spec: row.live_spec, spec_type: row.live_spec_type });
          await get().reloadDraft();
        });
      },

      removeSpec: async (catalogName) => {
        await run(`Removing ${catalogName} from the draft…`, async (client) => {
          unwrap(
            await client
              .from('draft_specs')
              .delete()
              .eq('draft_id', openId())
              .eq('catalog_name', catalogName)
              .select('id')
              .single(),
          );
          // The errors of the last publication about this spec go with it (they would show as errors of the whole
          // draft otherwise).
          const scopes = (get().editor?.errors ?? [])
            .filter((e) => parseErrorScope(e.scope)?.catalogName === catalogName)
            .map((e) => e.scope);
          if (scopes.length > 0)
            unwrap(
              await client
                .from('draft_errors')
                .delete()
                .eq('draft_id', openId())
                .in('scope', scopes)
                .select('draft_id'),
            );
          dropEdit(catalogName);
          await get().reloadDraft();
        });
      },

      recopyLive: async (catalogName) => {
        await run(`Copying the live version of ${catalogName}…`, async (client) => {
          const row = specOf(catalogName);
          if (row.last_pub_id === null || row.live_spec_type === null)
            throw new Error(`${catalogName} has no live version any more: remove it from the draft.`);
          // An update, not copyLiveSpecsToDraft's upsert: the row exists, and users may not update draft_id (an
          // upsert sets every column it inserts).
          unwrap(
            await client
              .from('draft_specs')
              .update({ spec: row.live_spec, spec_type: row.live_spec_type, expect_pub_id: row.last_pub_id })
              .eq('draft_id', openId())
              .eq('catalog_name', catalogName)
              .select('id')
              .single(),
          );
          // The old errors were about the version just replaced.
          unwrap(await client.from('draft_errors').delete().eq('draft_id', openId()).select('draft_id'));
          await get().reloadDraft();
          dropEdit(catalogName);
        });
      },

      publish: async (dryRun) => {
        const editor = get().editor;
        if (!editor?.draft) return;
        const unsaved = Object.keys(get().edits);
        if (unsaved.length > 0) {
          set({
            error: `Save or revert your changes to ${unsaved.join(', ')} first: ${dryRun ? 'a dry run' : 'publishing'} uses the saved specs.`,
          });
          return;
        }
        const draftId = editor.draftId;
        const queued = await run(`Queuing the ${dryRun ? 'dry run' : 'publication'}…`, async (client) =>
          unwrap<{ id: string }>(
            await client
              .from('publications')
              .insert({ draft_id: draftId, dry_run: dryRun, detail: editor.draft?.detail ?? null })
              .select('id')
              .single(),
          ),
        );
        if (!queued) return;
        const run0: PublicationRun = { id: queued.id, draftId, dryRun, status: null, published: [] };
        set({ publication: run0 });
        try {
          const client = clients.supabase();
          const job = await useJobsStore.getState().watch(client, 'publications', queued.id);
          if (job.error) throw new Error(job.error);
          const status = job.status as PublicationStatus;
          let published: PublishedSpec[] = [];
          if (status.type === 'success' && !dryRun) {
            published = unwrap<PublishedSpec[]>(
              await client
                .from('publication_specs_ext')
                .select('catalog_name,spec_type,pub_id')
                .eq('pub_id', queued.id)
                .order('catalog_name'),
            );
          }
          if (get().publication?.id === queued.id) set({ publication: { ...run0, status, published } });
        } catch (e) {
          set({ error: describeApiError(e) });
        }
        if (get().editor?.draftId === draftId) await get().reloadDraft();
      },

      clearError: () => set({ error: null }),
    };
  });
}

/** The GUI's drafts store. */
export const useDraftsStore = createDraftsStore();
