import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import type { MailMessage } from '../../shared/mailbox.js';
import {
  findSignInMessage,
  SEEDED_PASSWORD,
  SEEDED_USERS,
  useAuthStore,
  writablePrefixes,
} from '../src/stores/auth-store.js';
import { type ControlPlaneStack, startControlPlaneStack } from './control-plane-stack.js';

/** The auth store against a real stack: its Auth API, its database (auth_roles) and its mailbox. */
describe('auth store', () => {
  let env: ControlPlaneStack;
  const auth = () => useAuthStore.getState();

  beforeAll(async () => {
    env = await startControlPlaneStack(0);
    auth().attach(env.client());
    await vi.waitFor(() => expect(auth().ready).toBe(true));
  });
  afterAll(async () => {
    await env.close();
  });

  it('signs in as every seeded user with one click (their roles from auth_roles)', async () => {
    for (const user of SEEDED_USERS) {
      await auth().signInWithPassword(user.email, SEEDED_PASSWORD);
      expect(auth().error).toBeNull();
      expect(auth().user?.email).toBe(user.email);
    }
    await auth().signInWithPassword('alice@example.com', SEEDED_PASSWORD);
    await expect
      .poll(() => auth().roles.map((r) => `${r.role_prefix}:${r.capability}`))
      .toContain('aliceCo/:admin');
    expect(writablePrefixes(auth().roles)[0]).toBe('aliceCo/');
    await auth().signInWithPassword('carol@example.com', SEEDED_PASSWORD);
    await expect
      .poll(() => auth().roles.map((r) => `${r.role_prefix}:${r.capability}`))
      .toEqual(expect.arrayContaining(['aliceCo/:read']));
    expect(writablePrefixes(auth().roles)).toEqual([]);
  });

  it('shows Auth’s message for a wrong password and keeps the signed-in user', async () => {
    await auth().signInWithPassword('carol@example.com', 'wrong');
    expect(auth().error).toMatch(/Invalid login credentials/);
    expect(auth().busy).toBeNull();
  });

  it('refreshes the session on demand: a rotated refresh token, the expiry never earlier', async () => {
    await auth().signInWithPassword('alice@example.com', SEEDED_PASSWORD);
    const before = auth().session;
    expect(before?.expires_at).toBeGreaterThan(Date.now() / 1000);
    await auth().refreshSession();
    expect(auth().error).toBeNull();
    const after = auth().session;
    // The access token may be byte-identical within the same second (same claims); the refresh token rotates.
    expect(after?.refresh_token).not.toBe(before?.refresh_token);
    expect(after?.expires_at).toBeGreaterThanOrEqual(before?.expires_at ?? Infinity);
    expect(auth().refreshedAt).not.toBeNull();
  });

  it('mails a magic link and finds it in the mailbox through the control API; the link signs in', async () => {
    // The stack's own GUI: Auth redirects only to the site URL, the allow list and the GUI it serves.
    const redirect = `${env.status.STUDIO_URL}/`;
    await auth().sendMagicLink('bob@example.com', redirect);
    expect(auth().error).toBeNull();
    expect(auth().magicLink?.email).toBe('bob@example.com');
    const followed: string[] = [];
    await auth().openMagicLinkMessage(env.api, 'bob@example.com', (url) => followed.push(url));
    expect(auth().error).toBeNull();
    expect(followed).toHaveLength(1);
    const link = new URL(followed[0] ?? '');
    expect(link.pathname).toBe('/auth/v1/verify');
    expect(link.searchParams.get('redirect_to')).toBe(redirect);
    // What the browser does with it: Auth redirects back to the GUI with the session in the fragment.
    const response = await fetch(link, { redirect: 'manual' });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(redirect);
    const fragment = new URLSearchParams(location.hash.slice(1));
    const token = fragment.get('access_token') ?? '';
    const { data } = await env.client().auth.getUser(token);
    expect(data.user?.email).toBe('bob@example.com');
  });

  it('signs in with the six-digit code of the e-mail instead', async () => {
    await auth().sendMagicLink('carol@example.com', `${env.status.STUDIO_URL}/`);
    const { messages } = await env.api.call('GET /v1/mailbox', {});
    const message = findSignInMessage(messages, 'carol@example.com', auth().magicLink?.sentAt ?? 0);
    expect(message?.otp).toMatch(/^\d{6}$/);
    await auth().verifyCode('carol@example.com', message?.otp ?? '');
    expect(auth().error).toBeNull();
    expect(auth().user?.email).toBe('carol@example.com');
    await auth().verifyCode('carol@example.com', message?.otp ?? '');
    expect(auth().error).toMatch(/expired or is invalid/);
  });

  it('says so when the mailbox has no sign-in e-mail for the address', async () => {
    const followed: string[] = [];
    await auth().openMagicLinkMessage(env.api, 'nobody@example.com', (url) => followed.push(url));
    expect(followed).toEqual([]);
    expect(auth().error).toBe(
      'No sign-in e-mail to nobody@example.com is in the mailbox. Send a link first.',
    );
  });

  it('signs out: no user, no roles', async () => {
    await auth().signInWithPassword('alice@example.com', SEEDED_PASSWORD);
    await auth().signOut();
    expect(auth().error).toBeNull();
    expect(auth().user).toBeNull();
    expect(auth().roles).toEqual([]);
  });

  it('picks the newest message with a sign-in link to that address, sent since the request', () => {
    const message = (id: string, to: string, date: string, links: string[]): MailMessage => ({
      id,
      to,
      from: 'auth',
      subject: 'Your magic link',
      text: '',
      html: '',
      date,
      links,
    });
    const verify = 'http://127.0.0.1:1/auth/v1/verify?token=x';
    const messages = [
      message('old', 'a@x.io', '2024-01-01T10:00:00.000Z', [verify]),
      message('new', 'A@x.io', '2024-01-01T10:05:00.000Z', [verify]),
      message('other', 'b@x.io', '2024-01-01T10:09:00.000Z', [verify]),
      message('nolink', 'a@x.io', '2024-01-01T10:08:00.000Z', ['http://example.com/']),
    ];
    expect(findSignInMessage(messages, 'a@x.io', 0)?.id).toBe('new');
    expect(findSignInMessage(messages, 'a@x.io', Date.parse('2024-01-01T10:06:00Z'))).toBeNull();
  });
});
