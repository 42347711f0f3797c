import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { MailMessage } from '../../main/supabase-api/mailbox/mail-store.js';
import { startApiTestEnv, type ApiTestEnv } from './api-test-env.js';

describe('Auth API and mailbox through supabase-js (real Postgres)', () => {
  let env: ApiTestEnv;
  beforeAll(async () => {
    env = await startApiTestEnv();
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('signs up, reads and updates the user, refreshes with rotation, and signs out', async () => {
    const sb = env.client();
    const signUp = await sb.auth.signUp({
      email: 'New.User@example.com',
      password: 'secret123',
      options: { data: { full_name: 'New' } },
    });
    expect(signUp.error).toBeNull();
    expect(signUp.data.session?.user.email).toBe('new.user@example.com');
    expect(signUp.data.user?.user_metadata).toMatchObject({ full_name: 'New' });
    const again = await env.client().auth.signUp({ email: 'new.user@example.com', password: 'secret123' });
    expect(again.error).toMatchObject({ status: 422, code: 'user_already_exists' });

    const user = await sb.auth.getUser();
    expect(user.data.user?.identities?.[0]?.provider).toBe('email');
    const updated = await sb.auth.updateUser({ data: { full_name: 'Renamed', extra: 1 } });
    expect(updated.data.user?.user_metadata).toMatchObject({ full_name: 'Renamed', extra: 1 });

    const first = (await sb.auth.getSession()).data.session!;
    const refreshed = await sb.auth.refreshSession();
    expect(refreshed.error).toBeNull();
    expect(refreshed.data.session?.refresh_token).not.toBe(first.refresh_token);
    // The old token, reused right away, answers with the active token (lost-response recovery).
    const reuse = await env.client().auth.refreshSession({ refresh_token: first.refresh_token });
    expect(reuse.data.session?.refresh_token).toBe(refreshed.data.session?.refresh_token);

    // RLS sees the JWT: the new user owns what it inserts.
    const draft = await sb.from('drafts').insert({ detail: 'mine' }).select('user_id').single();
    expect(draft.data?.user_id).toBe(signUp.data.user?.id);

    expect((await sb.auth.signOut()).error).toBeNull();
    const afterLogout = await env
      .client()
      .auth.refreshSession({ refresh_token: refreshed.data.session!.refresh_token });
    expect(afterLogout.error?.status).toBe(400);
  });

  it('rejects wrong passwords, weak passwords and bad tokens with GoTrue errors', async () => {
    const sb = env.client();
    const wrong = await sb.auth.signInWithPassword({ email: 'alice@example.com', password: 'nope' });
    expect(wrong.error).toMatchObject({
      status: 400,
      code: 'invalid_credentials',
      message: 'Invalid login credentials',
    });
    const weak = await sb.auth.signUp({ email: 'weak@example.com', password: '123' });
    expect(weak.error).toMatchObject({ status: 422, code: 'weak_password' });
    const unknown = await sb.auth.refreshSession({ refresh_token: 'abcdefghijklmnop' });
    expect(unknown.error).toMatchObject({ status: 400, code: 'refresh_token_not_found' });
    const res = await fetch(`${env.server.url}/auth/v1/user`, {
      headers: { apikey: env.anonKey, Authorization: 'Bearer x.y.z' },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-supabase-api-version')).toBe('2024-01-01');
    expect(await res.json()).toMatchObject({ code: 'bad_jwt' });
    const settings = (await (await fetch(`${env.server.url}/auth/v1/settings`)).json()) as {
      external: { email: boolean };
    };
    expect(settings.external.email).toBe(true);
  });

  it('magic link end to end: e-mail in the mailbox, GET /verify redirects with the session', async () => {
    const sb = env.client();
    const sent = await sb.auth.signInWithOtp({
      email: 'carol@example.com',
      options: { emailRedirectTo: 'http://127.0.0.1:3000/welcome' },
    });
    expect(sent.error).toBeNull();
    const mailbox = `http://127.0.0.1:${env.server.mailboxPort}`;
    const messages = (await (
      await fetch(`${mailbox}/api/v1/mailbox/carol@example.com`)
    ).json()) as MailMessage[];
    expect(messages).toHaveLength(1);
    const link = messages[0]!.links[0]!;
    expect(link).toContain('type=magiclink');
    const page = await (await fetch(mailbox)).text();
    expect(page).toContain('Your Magic Link');

    const redirect = await fetch(link, { redirect: 'manual' });
    expect(redirect.status).toBe(303);
    const location = new URL(redirect.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe('http://127.0.0.1:3000/welcome');
    const fragment = new URLSearchParams(location.hash.slice(1));
    const accessToken = fragment.get('access_token')!;
    const { data } = await sb.auth.getUser(accessToken);
    expect(data.user?.email).toBe('carol@example.com');
    // The link is single-use.
    const reused = await fetch(link, { redirect: 'manual' });
    expect(reused.headers.get('location')).toContain('error_code=otp_expired');

    // The code works too, for a new address (sign-up confirmation).
    await sb.auth.signInWithOtp({ email: 'otp-user@example.com' });
    const [mail] = (await (
      await fetch(`${mailbox}/api/v1/messages?to=otp-user@example.com`)
    ).json()) as MailMessage[];
    const verified = await sb.auth.verifyOtp({
      email: 'otp-user@example.com',
      token: mail!.otp!,
      type: 'email',
    });
    expect(verified.error).toBeNull();
    expect(verified.data.user?.email_confirmed_at).toBeTruthy();
    const bad = await sb.auth.verifyOtp({ email: 'otp-user@example.com', token: '000000', type: 'email' });
    expect(bad.error).toMatchObject({ status: 403, code: 'otp_expired' });
    const deleted = await fetch(`${mailbox}/api/v1/messages/${mail!.id}`, { method: 'DELETE' });
    expect(await deleted.json()).toEqual({ deleted: 1 });
  });

  it('admin routes need the service role', async () => {
    const admin = env.client(env.serviceKey).auth.admin;
    const created = await admin.createUser({
      email: 'made@example.com',
      password: 'secret123',
      email_confirm: true,
    });
    expect(created.error).toBeNull();
    const list = await admin.listUsers({ page: 1, perPage: 100 });
    expect(list.data.users.map((u) => u.email)).toContain('made@example.com');
    const signIn = await env
      .client()
      .auth.signInWithPassword({ email: 'made@example.com', password: 'secret123' });
    expect(signIn.error).toBeNull();
    expect((await admin.deleteUser(created.data.user!.id)).error).toBeNull();
    const denied = await env.client().auth.admin.listUsers();
    expect(denied.error).toMatchObject({ status: 403, code: 'not_admin' });
  });
});
