import type { SupabaseClient } from '@supabase/supabase-js';
import { create, type StoreApi, type UseBoundStore } from 'zustand';

import type {
  AppliedDirectiveRow,
  AuthRoleRow,
  DirectiveRow,
  ExchangedDirective,
  Json,
} from '../../../shared/control-plane-rows.js';
import { describeApiError, unwrap } from '../api/api-error.js';
import { appClients, type Clients } from '../api/clients.js';
import { useAuthStore } from './auth-store.js';
import { type WatchedJob, useJobsStore } from './jobs-store.js';

/** The directive types the agent applies (agent/src/handlers/directives). */
export const DIRECTIVE_TYPES = ['betaOnboard', 'clickToAccept', 'grant'] as const;
export type DirectiveType = (typeof DIRECTIVE_TYPES)[number];

/** Types the agent applies only under `ops/`. */
export const OPS_ONLY_TYPES: readonly string[] = ['betaOnboard', 'clickToAccept'];

/** A new directive. `grant` directives also name the prefix and capability they grant. */
export interface DirectiveInput {
  readonly catalogPrefix: string;
  readonly type: DirectiveType;
  readonly singleUse: boolean;
  readonly detail: string;
  readonly grantedPrefix?: string;
  readonly capability?: 'read' | 'write' | 'admin';
}

/** An application of a directive by the signed-in user, with the directive it applies. */
export interface AppliedWithDirective extends AppliedDirectiveRow {
  readonly directives: Pick<DirectiveRow, 'id' | 'catalog_prefix' | 'spec' | 'detail' | 'single_use'> | null;
}

/** The application being filled in: exchanged from a token (or resumed), waiting for its claims. */
export interface PendingApplication {
  readonly directive: Pick<DirectiveRow, 'id' | 'catalog_prefix' | 'spec' | 'detail' | 'single_use'>;
  readonly applied: AppliedDirectiveRow;
}

/** The directives page: directives the user administers, their own applications, and applying by token. */
export interface DirectivesStore {
  administered: readonly DirectiveRow[];
  applied: readonly AppliedWithDirective[];
  /** The prefixes the user administers, as the last load found them. */
  adminOf: readonly string[];
  /** True once a load succeeded (there are lists to show, maybe empty). */
  loaded: boolean;
  /** Why the last load failed (the lists' failed state); null after a load that worked. */
  loadError: string | null;
  /** The last action's error. */
  error: string | null;
  busy: string | null;
  notice: string | null;
  /** The application whose claims the user is entering, or whose job is running. */
  pending: PendingApplication | null;
  /** Set once the pending application's claims were sent: its job is followed in the jobs store. */
  submitted: boolean;
  applyError: string | null;
  /** The user the state belongs to: another user's lists, notices and pending application are dropped. */
  userId: string | null;
  forUser: (userId: string | null) => void;
  load: () => Promise<void>;
  create: (input: DirectiveInput) => Promise<DirectiveRow | null>;
  remove: (directive: DirectiveRow) => Promise<boolean>;
  exchangeToken: (token: string) => Promise<PendingApplication | null>;
  /** Continues an application exchanged earlier whose claims were never sent (or were refused). */
  resume: (applied: AppliedWithDirective) => void;
  submitClaims: (claims: Json) => Promise<WatchedJob | null>;
  /** Closes the apply panel. */
  clearPending: () => void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Why a directive cannot be created as entered, or null: the agent would refuse it when applied. */
export function directiveInputProblem(input: DirectiveInput): string | null {
  if (!/^([\p{L}\p{N}\-_.]+\/)+$/u.test(input.catalogPrefix))
    return 'The catalog prefix must be a prefix ending in "/", e.g. acmeCo/.';
  if (OPS_ONLY_TYPES.includes(input.type) && input.catalogPrefix !== 'ops/')
    return `The agent applies ${input.type} directives only under ops/.`;
  if (input.type === 'grant') {
    const granted = input.grantedPrefix ?? '';
    if (!granted.startsWith(input.catalogPrefix))
      return `The granted prefix must be within ${input.catalogPrefix} (e.g. ${input.catalogPrefix}shared/).`;
    if (!/^([\p{L}\p{N}\-_.]+\/)+$/u.test(granted)) return 'The granted prefix must end in "/".';
    if (!input.capability) return 'Choose the capability to grant.';
  }
  return null;
}

/** The directive spec for an input. */
export function directiveSpec(input: DirectiveInput): { type: string } & Record<string, Json> {
  return input.type === 'grant'
    ? { type: 'grant', grantedPrefix: input.grantedPrefix ?? '', capability: input.capability ?? 'read' }
    : { type: input.type };
}

/** Makes the store; tests pass their own clients, the GUI uses `appClients`. */
export function createDirectivesStore(
  clients: Clients = appClients,
  onApplied: () => void = () => undefined,
): UseBoundStore<StoreApi<DirectivesStore>> {
  return create<DirectivesStore>((set, get) => {
    const act = async <T>(label: string, work: (client: SupabaseClient) => Promise<T>): Promise<T | null> => {
      set({ busy: label, error: null, notice: null });
      try {
        const result = await work(clients.supabase());
        set({ busy: null });
        return result;
      } catch (e) {
        set({ error: describeApiError(e), busy: null });
        return null;
      }
    };

    return {
      administered: [],
      applied: [],
      adminOf: [],
      loaded: false,
      loadError: null,
      error: null,
      busy: null,
      notice: null,
      pending: null,
      submitted: false,
      applyError: null,
      userId: null,

      forUser: (userId) => {
        if (get().userId === userId) return;
        set({
          userId,
          administered: [],
          applied: [],
          adminOf: [],
          loaded: false,
          loadError: null,
          error: null,
          notice: null,
          pending: null,
          submitted: false,
          applyError: null,
        });
      },

      load: async () => {
        const client = clients.supabase();
        try {
          const [roles, directives, applied] = await Promise.all([
            client.rpc('auth_roles', { min_capability: 'admin' }),
            client.from('directives').select('*').order('catalog_prefix').order('created_at'),
            client
              .from('applied_directives')
              .select('*, directives(id, catalog_prefix, spec, detail, single_use)')
              .order('created_at', { ascending: false }),
          ]);
          const adminOf = unwrap<AuthRoleRow[]>(roles).map((r) => r.role_prefix);
          // RLS also shows directives the user applied; "administered" are those under an admin role.
          const administered = unwrap<DirectiveRow[]>(directives).filter((d) =>
            adminOf.some((prefix) => d.catalog_prefix.startsWith(prefix)),
          );
          set({
            administered,
            applied: unwrap<AppliedWithDirective[]>(applied),
            adminOf,
            loaded: true,
            loadError: null,
          });
        } catch (e) {
          set({ loadError: describeApiError(e) });
        }
      },

      create: async (input) => {
        const problem = directiveInputProblem(input);
        if (problem) {
          set({ error: problem, notice: null });
          return null;
        }
        const created = await act(`Creating a ${input.type} directive…`, async (client) =>
          unwrap<DirectiveRow>(
            await client
              .from('directives')
              .insert({
                catalog_prefix: input.catalogPrefix,
                spec: directiveSpec(input),
                single_use: input.singleUse,
                detail: input.detail || null,
              })
              .select('*')
              .single(),
          ),
        );
        if (created) {
          set({ notice: `Created a ${input.type} directive under ${input.catalogPrefix}.` });
          await get().load();
        }
        return created;
      },

      remove: async (directive) => {
        const ok = await act(`Deleting the directive…`, async (client) => {
          const deleted = unwrap<{ id: string }[]>(
            await client.from('directives').delete().eq('id', directive.id).select('id'),
          );
          if (deleted.length === 0) {
            throw new Error(
              `Not deleted: only admins of ${directive.catalog_prefix} may delete its directives (row-level security).`,
            );
          }
          return true;
        });
        if (ok) {
          set({ notice: `Deleted the ${directive.spec.type} directive under ${directive.catalog_prefix}.` });
          await get().load();
        }
        return ok === true;
      },

      exchangeToken: async (token) => {
        const bearer = token.trim();
        set({ applyError: null, pending: null, submitted: false });
        if (!UUID.test(bearer)) {
          set({ applyError: 'A directive token looks like 453e00cd-e12a-4ce5-b12d-3837aa385751 (a UUID).' });
          return null;
        }
        set({ busy: 'Exchanging the token…' });
        try {
          const data = unwrap<ExchangedDirective | ExchangedDirective[]>(
            await clients.supabase().rpc('exchange_directive_token', { bearer_token: bearer }),
          );
          const exchanged = Array.isArray(data) ? data[0] : data;
          if (!exchanged) throw new Error('The API returned no application for the token.');
          const pending = { directive: exchanged.directive, applied: exchanged.applied_directive };
          set({ pending, busy: null });
          await get().load();
          return pending;
        } catch (e) {
          const message = describeApiError(e);
          set({
            applyError: /^Bearer token .* is not valid/.test(message)
              ? `${message}: no directive has this token (any more). A single-use token works once; ask the directive's admin for a new one.`
              : message,
            busy: null,
          });
          return null;
        }
      },

      resume: (applied) => {
        if (!applied.directives) return;
        const { directives: directive, ...row } = applied;
        set({ pending: { directive, applied: row }, submitted: false, applyError: null });
      },

      submitClaims: async (claims) => {
        const pending = get().pending;
        if (!pending) return null;
        const client = clients.supabase();
        set({ busy: 'Sending the claims…', applyError: null });
        try {
          // Updating the claims (re-)queues the application for the agent (a trigger does it).
          const rows = unwrap<AppliedDirectiveRow[]>(
            await client
              .from('applied_directives')
              .update({ user_claims: claims })
              .eq('id', pending.applied.id)
              .select('*'),
          );
          if (rows.length === 0) throw new Error('The application is gone (deleted, or not yours).');
          set({ submitted: true, busy: null });
          const job = await useJobsStore.getState().watch(client, 'applied_directives', pending.applied.id);
          if (job.status.type === 'success') onApplied();
          await get().load();
          return job;
        } catch (e) {
          set({ applyError: describeApiError(e), busy: null });
          return null;
        }
      },

      clearPending: () => set({ pending: null, submitted: false, applyError: null }),
    };
  });
}

/** The GUI's directives store; an applied directive may give the user new roles (e.g. a new tenant). */
export const useDirectivesStore = createDirectivesStore(appClients, () => {
  void useAuthStore.getState().loadRoles();
});
