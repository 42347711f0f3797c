import type { SupabaseClient } from '@supabase/supabase-js';
import { create, type StoreApi, type UseBoundStore } from 'zustand';

import type { CombinedGrantRow, GrantCapability } from '../../../shared/control-plane-rows.js';
import { ApiError, describeApiError, unwrap } from '../api/api-error.js';
import { appClients, type Clients } from '../api/clients.js';
import { LatestRequest } from '../lib/latest-request.js';
import { useAuthStore } from './auth-store.js';

/** The capabilities a grant may give, lowest first. */
export const CAPABILITIES: readonly GrantCapability[] = ['read', 'write', 'admin'];

/** A new user grant: the user is named by e-mail and looked up with `user_profile_by_email`. */
export interface UserGrantInput {
  readonly email: string;
  readonly objectRole: string;
  readonly capability: GrantCapability;
  readonly detail: string;
}

/** A new role grant: specs under `subjectRole` get `capability` on `objectRole`. */
export interface RoleGrantInput {
  readonly subjectRole: string;
  readonly objectRole: string;
  readonly capability: GrantCapability;
  readonly detail: string;
}

/**
 * Inserts a user or role grant (`subject` names who gets it, for the message); a second grant on the same
 * object role is a unique violation, explained as such with PostgREST's message kept.
 */
async function insertGrant(
  client: SupabaseClient,
  table: 'user_grants' | 'role_grants',
  subjectColumns: Readonly<Record<string, string>>,
  subject: string,
  input: { readonly objectRole: string; readonly capability: GrantCapability; readonly detail: string },
): Promise<void> {
  const result = await client.from(table).insert({
    ...subjectColumns,
    object_role: input.objectRole,
    capability: input.capability,
    detail: input.detail || null,
  });
  if (result.error?.code === '42501') {
    // Row-level security: only admins of the object role's prefix may grant on it.
    throw new Error(
      `You may not grant on ${input.objectRole}: only its admins may add grants there.\n42501 · ${result.error.message}`,
    );
  }
  if (result.error?.code === '23505') {
    throw new ApiError({
      ...result.error,
      message: `${subject} already holds a grant on ${input.objectRole}; remove it first to change it. ${result.error.message}`,
    });
  }
  unwrap(result);
}

/** The grants page: `combined_grants_ext` filtered on the server, and the add/remove actions. */
export interface GrantsStore {
  grants: readonly CombinedGrantRow[];
  /** Exact number of grants matching the filter (more than `grants` holds when over the page size). */
  total: number | null;
  filter: string;
  loading: boolean;
  /** True once a load succeeded (there is a list to show, maybe empty). */
  loaded: boolean;
  /** Why the last load failed (the list's failed state); null after a load that worked. */
  loadError: string | null;
  /** The last action's error (adding or removing a grant). */
  error: string | null;
  /** The action in flight, for its button's text. */
  busy: string | null;
  /** What the last action did, for a status line. */
  notice: string | null;
  /** The user the state belongs to: another user's grants, notices and errors are dropped. */
  userId: string | null;
  forUser: (userId: string | null) => void;
  setFilter: (filter: string) => void;
  load: () => Promise<void>;
  addUserGrant: (input: UserGrantInput) => Promise<boolean>;
  addRoleGrant: (input: RoleGrantInput) => Promise<boolean>;
  removeGrant: (grant: CombinedGrantRow) => Promise<boolean>;
}

/** How many grants one load shows; the count says when there are more (narrow them with the filter). */
export const GRANTS_PAGE = 500;

/**
 * The filter as a PostgREST `or` tree over the text columns. Only characters of catalog names and e-mail
 * addresses are kept, so the text can never change the tree's syntax; null when nothing is left.
 */
export function grantsFilterTree(filter: string): string | null {
  const text = filter.replace(/[^\p{L}\p{N}@._\-/+ ]/gu, '').trim();
  if (text === '') return null;
  const pattern = `"*${text}*"`;
  return ['object_role', 'subject_role', 'user_email', 'user_full_name', 'detail']
    .map((column) => `${column}.ilike.${pattern}`)
    .join(',');
}

/** Makes the store; tests pass their own clients, the GUI uses `appClients`. */
export function createGrantsStore(
  clients: Clients = appClients,
  onRolesChanged: () => void = () => undefined,
): UseBoundStore<StoreApi<GrantsStore>> {
  return create<GrantsStore>((set, get) => {
    // A slower answer to an older filter (or to the previous user) must not replace the newer one.
    const loads = new LatestRequest();

    /** Runs an action: its label while busy, its error (PostgREST's message) or its notice after. */
    const act = async (
      label: string,
      work: (client: SupabaseClient) => Promise<string>,
    ): Promise<boolean> => {
      set({ busy: label, error: null, notice: null });
      try {
        const notice = await work(clients.supabase());
        set({ notice, busy: null });
        onRolesChanged();
        await get().load();
        return true;
      } catch (e) {
        set({ error: describeApiError(e), busy: null });
        return false;
      }
    };

    return {
      grants: [],
      total: null,
      filter: '',
      loading: false,
      loaded: false,
      loadError: null,
      error: null,
      busy: null,
      notice: null,
      userId: null,

      forUser: (userId) => {
        if (get().userId === userId) return;
        loads.dropAll();
        set({
          userId,
          grants: [],
          total: null,
          loaded: false,
          loading: false,
          loadError: null,
          error: null,
          notice: null,
        });
      },

      setFilter: (filter) => set({ filter }),

      load: async () => {
        set({ loading: true });
        await loads.run(
          async () => {
            let query = clients
              .supabase()
              .from('combined_grants_ext')
              .select('*', { count: 'exact' })
              .order('object_role')
              .order('subject_role', { nullsFirst: true })
              .order('user_email')
              .range(0, GRANTS_PAGE - 1);
            const tree = grantsFilterTree(get().filter);
            if (tree) query = query.or(tree);
            const result = await query;
            return { grants: unwrap<CombinedGrantRow[]>(result), total: result.count };
          },
          {
            value: ({ grants, total }) =>
              set({ grants, total, loading: false, loaded: true, loadError: null }),
            error: (e) => set({ loadError: describeApiError(e), loading: false }),
          },
        );
      },

      addUserGrant: (input) =>
        act(`Granting ${input.capability} on ${input.objectRole} to ${input.email}…`, async (client) => {
          const email = input.email.trim();
          const found = unwrap<{ user_id: string; email: string }[]>(
            await client.rpc('user_profile_by_email', { email_address: email }),
          );
          const user = found[0];
          if (!user) {
            throw new Error(
              `No user has the e-mail address ${email} (only admins of a prefix may look users up).`,
            );
          }
          await insertGrant(client, 'user_grants', { user_id: user.user_id }, user.email, input);
          return `Granted ${input.capability} on ${input.objectRole} to ${user.email}.`;
        }),

      addRoleGrant: (input) =>
        act(
          `Granting ${input.capability} on ${input.objectRole} to ${input.subjectRole}…`,
          async (client) => {
            await insertGrant(
              client,
              'role_grants',
              { subject_role: input.subjectRole },
              input.subjectRole,
              input,
            );
            return `Granted ${input.capability} on ${input.objectRole} to specs under ${input.subjectRole}.`;
          },
        ),

      removeGrant: (grant) =>
        act(`Removing the grant on ${grant.object_role}…`, async (client) => {
          const table = grant.user_id === null ? 'role_grants' : 'user_grants';
          // Row-level security hides rows the user may not delete instead of refusing: ask for the deleted
          // rows, so that "nothing deleted" can be told apart from success.
          const deleted = unwrap<{ id: string }[]>(
            await client.from(table).delete().eq('id', grant.id).select('id'),
          );
          if (deleted.length === 0) {
            throw new Error(
              grant.user_id === null
                ? `Not removed: only admins of ${grant.object_role} or of ${grant.subject_role ?? '?'} may remove this role grant (row-level security).`
                : `Not removed: only admins of ${grant.object_role} or the grantee may remove this user grant (row-level security).`,
            );
          }
          const subject = grant.user_email ?? grant.subject_role ?? grant.user_id ?? '?';
          return `Removed ${grant.capability} on ${grant.object_role} from ${subject}.`;
        }),
    };
  });
}

/** The GUI's grants store; a changed grant may change the signed-in user's own roles. */
export const useGrantsStore = createGrantsStore(appClients, () => {
  void useAuthStore.getState().loadRoles();
});
