import type { Session, SupabaseClient, User } from '@supabase/supabase-js';
import { create } from 'zustand';

import type { AuthRoleRow } from '../../../shared/control-plane-rows.js';
import type { MailMessage } from '../../../shared/mailbox.js';
import { describeApiError, unwrap } from '../api/api-error.js';
import { takeAuthRedirect } from '../api/auth-redirect.js';
import { setAppClients } from '../api/clients.js';
import { LatestRequest } from '../lib/latest-request.js';
import { useToastStore } from './toast-store.js';
import type { ControlApi } from '../api/control-client.js';

/** The seeded accounts of supabase/seed.sql, for one-click sign-in on the local stack. */
export const SEEDED_USERS = [
  { email: 'alice@example.com', label: 'alice', about: 'admin of aliceCo/' },
  { email: 'bob@example.com', label: 'bob', about: 'admin of bobCo/' },
  { email: 'carol@example.com', label: 'carol', about: 'reads aliceCo/' },
  { email: 'accounts@estuary.dev', label: 'accounts', about: 'the accounts root user (admin of ops/)' },
] as const;

/** The password of every seeded account (docs/database.md: "Seeded accounts and grants"). */
export const SEEDED_PASSWORD = 'password';

/** How long "open the message" waits for the e-mail to reach the mailbox. */
const MAILBOX_WAIT_MS = 5000;
const MAILBOX_POLL_MS = 250;

/** A magic link that was asked for: to whom, and when (to find its message in the mailbox). */
export interface MagicLinkRequest {
  readonly email: string;
  readonly sentAt: number;
}

/** Who is signed in to the control plane, with their roles, and the sign-in actions. */
export interface AuthStore {
  client: SupabaseClient | null;
  /** False until the saved session (if any) has been read. */
  ready: boolean;
  session: Session | null;
  user: User | null;
  roles: readonly AuthRoleRow[];
  /** The action in flight, for its button's text. */
  busy: string | null;
  error: string | null;
  /** What the last action achieved ("A sign-in link was sent to …"). */
  notice: string | null;
  magicLink: MagicLinkRequest | null;
  /** When the session was last refreshed by the "Refresh session" action (ms since the epoch). */
  refreshedAt: number | null;
  attach: (client: SupabaseClient) => void;
  signInWithPassword: (email: string, password: string) => Promise<void>;
  /** Mails a sign-in link that leads back to `redirectTo` (this GUI). */
  sendMagicLink: (email: string, redirectTo: string) => Promise<void>;
  /**
   * Finds the newest sign-in e-mail to `email` in the stack's mailbox (through the control API) and follows its
   * link with `follow` (the GUI: in this same tab, where the control API's session lives).
   */
  openMagicLinkMessage: (api: ControlApi, email: string, follow: (url: string) => void) => Promise<void>;
  /** Signs in with the six-digit code of the e-mail instead of its link. */
  verifyCode: (email: string, code: string) => Promise<void>;
  refreshSession: () => Promise<void>;
  signOut: () => Promise<void>;
  /** Why the GUI signed the user out by itself (a reset took their session), for the sign-in prompts. */
  signedOutReason: string | null;
  /**
   * After a database reset or purge: refreshes the session, and if its refresh token or user is gone, signs out
   * here with a message instead of staying "signed in" with a dead session.
   */
  checkSessionAfterReset: () => Promise<void>;
  loadRoles: () => Promise<void>;
}

/** The newest message to `email`, sent at or after `since` (ms), with a sign-in link; null if none yet. */
export function findSignInMessage(
  messages: readonly MailMessage[],
  email: string,
  since: number,
): MailMessage | null {
  const to = email.trim().toLowerCase();
  return (
    [...messages]
      .filter((m) => m.to.toLowerCase() === to && Date.parse(m.date) >= since && signInLink(m) !== null)
      .sort((a, b) => b.date.localeCompare(a.date))[0] ?? null
  );
}

/** The link of a sign-in e-mail that signs in (Auth's `/verify`), or null. */
export function signInLink(message: MailMessage): string | null {
  return message.links.find((l) => l.includes('/auth/v1/verify')) ?? null;
}

/** The one auth store; `attach` binds it to the client of the connected stack. */
export const useAuthStore = create<AuthStore>((set, get) => {
  let unsubscribe: (() => void) | null = null;
  const roleLoads = new LatestRequest();

  const run = async (label: string, work: (client: SupabaseClient) => Promise<void>): Promise<void> => {
    const client = get().client;
    if (!client) return set({ error: 'The stack is not connected yet.' });
    set({ busy: label, error: null, notice: null });
    try {
      await work(client);
    } catch (e) {
      set({ error: describeApiError(e) });
    } finally {
      set({ busy: null });
    }
  };

  return {
    client: null,
    ready: false,
    session: null,
    user: null,
    roles: [],
    busy: null,
    error: null,
    notice: null,
    magicLink: null,
    refreshedAt: null,
    signedOutReason: null,

    attach: (client) => {
      if (get().client === client) return;
      setAppClients({ supabase: client });
      unsubscribe?.();
      set({ client, ready: false, session: null, user: null, roles: [] });
      const { data } = client.auth.onAuthStateChange((event, session) => {
        // Supabase-js calls this inside its auth lock: defer the queries that need a session.
        const changedUser = session?.user.id !== get().user?.id;
        set({ session, user: session?.user ?? null, ready: true });
        if (session) set({ signedOutReason: null });
        if (event === 'SIGNED_OUT') set({ roles: [] });
        else if (changedUser) {
          // The previous user's roles must not show beside the new user.
          set({ roles: [] });
          setTimeout(() => void get().loadRoles(), 0);
        }
      });
      unsubscribe = () => data.subscription.unsubscribe();
      const redirect = takeAuthRedirect();
      if (redirect) {
        // A magic link brought us here (main.tsx took its session out of the URL and went to the Account page).
        void (async () => {
          if (redirect.error || !redirect.accessToken || !redirect.refreshToken) {
            set({ error: `The sign-in link did not work: ${redirect.error ?? 'it carried no session'}.` });
            return;
          }
          const { error } = await client.auth.setSession({
            access_token: redirect.accessToken,
            refresh_token: redirect.refreshToken,
          });
          if (error) set({ error: `The sign-in link did not work: ${error.message}` });
          else set({ notice: 'Signed in with the link from the mailbox.', magicLink: null });
        })();
      }
    },

    signInWithPassword: (email, password) =>
      run(`Signing in as ${email}…`, async (client) => {
        const { error } = await client.auth.signInWithPassword({ email: email.trim(), password });
        if (error) throw error;
      }),

    sendMagicLink: (email, redirectTo) =>
      run(`Sending a sign-in link to ${email}…`, async (client) => {
        const sentAt = Date.now();
        const { error } = await client.auth.signInWithOtp({
          email: email.trim(),
          options: { emailRedirectTo: redirectTo },
        });
        if (error) throw error;
        // A second of slack: the mailbox stamps the message with its own clock.
        set({
          magicLink: { email: email.trim(), sentAt: sentAt - 1000 },
          notice: `A sign-in link was sent to ${email.trim()}. Open it from the mailbox, or enter its code.`,
        });
      }),

    openMagicLinkMessage: (api, email, follow) =>
      run(`Looking for the e-mail to ${email} in the mailbox…`, async () => {
        const since = get().magicLink?.email === email ? (get().magicLink?.sentAt ?? 0) : 0;
        const deadline = Date.now() + MAILBOX_WAIT_MS;
        for (;;) {
          const { messages } = await api.call('GET /v1/mailbox', {});
          const message = findSignInMessage(messages, email, since);
          const link = message && signInLink(message);
          if (link) {
            set({ notice: `Opening the sign-in link of "${message.subject}"…` });
            follow(link);
            return;
          }
          if (Date.now() > deadline)
            throw new Error(`No sign-in e-mail to ${email} is in the mailbox. Send a link first.`);
          await new Promise((resolve) => setTimeout(resolve, MAILBOX_POLL_MS));
        }
      }),

    verifyCode: (email, code) =>
      run(`Checking the code for ${email}…`, async (client) => {
        const { error } = await client.auth.verifyOtp({
          email: email.trim(),
          token: code.trim(),
          type: 'email',
        });
        if (error) throw error;
        set({ magicLink: null, notice: 'Signed in with the code from the e-mail.' });
      }),

    refreshSession: () =>
      run('Refreshing the session…', async (client) => {
        const { data, error } = await client.auth.refreshSession();
        if (error) throw error;
        if (!data.session) throw new Error('There is no session to refresh: sign in first.');
        // onAuthStateChange (TOKEN_REFRESHED) brings the new session too; set it now so callers see it at once.
        set({ session: data.session, user: data.session.user, refreshedAt: Date.now() });
      }),

    signOut: () =>
      run('Signing out…', async (client) => {
        const { error } = await client.auth.signOut();
        if (error) throw error;
        set({ roles: [], refreshedAt: null });
      }),

    checkSessionAfterReset: async () => {
      for (let attempt = 0; attempt < 10; attempt++) {
        const client = get().client;
        const email = get().user?.email;
        if (!client || !get().session) return;
        const { error } = await client.auth.refreshSession();
        if (!error) return;
        const status = (error as { status?: number }).status ?? 0;
        if (status >= 400 && status < 500) {
          await client.auth.signOut({ scope: 'local' });
          set({
            session: null,
            user: null,
            roles: [],
            refreshedAt: null,
            signedOutReason: `You were signed out: the database was reset, and ${email ?? 'your account'}'s session went with it (${error.message}). Sign in again.`,
          });
          useToastStore.getState().show('bad', get().signedOutReason ?? 'You were signed out.');
          return;
        }
        // The API is still coming back from the reset: ask again shortly.
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    },

    loadRoles: async () => {
      const client = get().client;
      if (!client || !get().session) return set({ roles: [] });
      // Sign-ins in quick succession race their role queries: only the newest may answer, and only for the
      // user still signed in.
      const userId = get().user?.id;
      await roleLoads.run(
        async () => unwrap<AuthRoleRow[]>(await client.rpc('auth_roles', { min_capability: 'read' })),
        {
          value: (roles) => {
            if (get().user?.id === userId) set({ roles });
          },
          error: (e) => set({ error: describeApiError(e) }),
        },
      );
    },
  };
});

/** The prefixes the user may write to (write or admin), in the order `auth_roles` gives them. */
export function writablePrefixes(roles: readonly AuthRoleRow[]): string[] {
  return roles.filter((r) => r.capability === 'write' || r.capability === 'admin').map((r) => r.role_prefix);
}
