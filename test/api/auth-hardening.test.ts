import { SignJWT } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { JWT_SECRET, startApiTestEnv, type ApiTestEnv } from './api-test-env.js';

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly location: string | null;
}

describe('Auth hardening: bans, passwords, e-mail addresses, redirects, bodies and tokens (as GoTrue)', () => {
  let env: ApiTestEnv;
  let db: pg.Client;

  async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const res = await fetch(`${env.server.url}/auth/v1${path}`, {
      method,
      redirect: 'manual',
      headers: { apikey: env.anonKey, 'Content-Type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      location: res.headers.get('location'),
    };
  }

  async function signUp(email: string, password: string): Promise<Answer> {
    return call('POST', '/signup', { email, password });
  }

  beforeAll(async () => {
    // Generous limits: this file tests the other rules, auth-limits.test.ts the limits.
    env = await startApiTestEnv({
      projectConfig: {
        auth: {
          additional_redirect_urls: ['http://localhost:5173/**'],
          rate_limit: { token_refresh: 100_000, token_verifications: 100_000, sign_in_sign_ups: 100_000 },
        },
      },
    });
    db = new pg.Client({ connectionString: env.db.adminUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await env?.stop();
  });

  it('refuses a banned user on every sign-in path: password, code, magic link and refresh', async () => {
    const email = 'banned@example.com';
    const created = await signUp(email, 'secret123');
    expect(created.status).toBe(200);
    const refresh = String(created.body.refresh_token);
    const accessToken = String(created.body.access_token);
    expect((await call('POST', '/otp', { email })).status).toBe(200);
    const mail = env.server.mail.list(email)[0]!;
    await db.query(`update auth.users set banned_until = now() + interval '1 day' where email = $1`, [email]);

    const password = await call('POST', '/token?grant_type=password', { email, password: 'secret123' });
    expect([password.status, password.body]).toEqual([
      400,
      { code: 'user_banned', message: 'User is banned' },
    ]);
    const code = await call('POST', '/verify', { email, token: mail.otp, type: 'email' });
    expect([code.status, code.body.code]).toEqual([403, 'user_banned']);
    const link = await fetch(mail.links[0]!, { redirect: 'manual' });
    expect(link.status).toBe(303);
    const fragment = new URLSearchParams(new URL(link.headers.get('location')!).hash.slice(1));
    expect([fragment.get('error'), fragment.get('error_code')]).toEqual(['access_denied', 'user_banned']);
    expect(fragment.get('access_token')).toBeNull();
    const refreshed = await call('POST', '/token?grant_type=refresh_token', { refresh_token: refresh });
    expect([refreshed.status, refreshed.body.code]).toEqual([400, 'user_banned']);
    // A token from before the ban no longer reads the user.
    const user = await call('GET', '/user', undefined, { Authorization: `Bearer ${accessToken}` });
    expect([user.status, user.body.code]).toEqual([403, 'user_banned']);

    // Lifting the ban lets the user back in; banning through the admin API also ends the sessions.
    await db.query(`update auth.users set banned_until = null where email = $1`, [email]);
    const back = await call('POST', '/token?grant_type=password', { email, password: 'secret123' });
    expect(back.status).toBe(200);
    const admin = env.client(env.serviceKey).auth.admin;
    const banned = await admin.updateUserById(String((back.body.user as { id: string }).id), {
      ban_duration: '1h30m',
    });
    expect(banned.error).toBeNull();
    const afterBan = await call('POST', '/token?grant_type=refresh_token', {
      refresh_token: String(back.body.refresh_token),
    });
    expect(afterBan.status).toBe(400);
  });

  it('refuses passwords over 72 bytes, so a password sharing the first 72 bytes does not sign in', async () => {
    const base = 'p'.repeat(72);
    const tooLong = await signUp('long@example.com', `${base}-the-rest`);
    expect([tooLong.status, tooLong.body]).toEqual([
      400,
      { code: 'validation_failed', message: 'Password cannot be longer than 72 characters' },
    ]);
    expect((await signUp('long@example.com', base)).status).toBe(200);
    const sharingPrefix = await call('POST', '/token?grant_type=password', {
      email: 'long@example.com',
      password: `${base}-something-else`,
    });
    expect([sharingPrefix.status, sharingPrefix.body.code]).toEqual([400, 'invalid_credentials']);
    expect(
      (await call('POST', '/token?grant_type=password', { email: 'long@example.com', password: base }))
        .status,
    ).toBe(200);
  });

  it('validates e-mail addresses as GoTrue: markup, RTL overrides and address literals are refused', async () => {
    for (const email of ['<script>alert(1)</script>@x.io', 'evil\u202Emoc.x@x.io', 'bob@[127.0.0.1]']) {
      for (const [path, body] of [
        ['/signup', { email, password: 'secret123' }],
        ['/otp', { email }],
        ['/recover', { email }],
      ] as const) {
        const res = await call('POST', path, body);
        expect([res.status, res.body], `${path} ${email}`).toEqual([
          400,
          { code: 'validation_failed', message: 'Unable to validate email address: invalid format' },
        ]);
      }
    }
    const { rows } = await db.query(
      `select count(*)::int as n from auth.users where email like '%script%' or email like '%[%'`,
    );
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('sends magic links only to site_url, additional_redirect_urls (globs) and the GUI', async () => {
    const targets: Record<string, string> = {
      'http://127.0.0.1:3000/welcome': 'http://127.0.0.1:3000/welcome',
      'http://localhost:5173/deep/page': 'http://localhost:5173/deep/page',
      'http://127.0.0.1:9999/steal': 'http://127.0.0.1:3000',
      'https://evil.example/': 'http://127.0.0.1:3000',
    };
    for (const [asked, expected] of Object.entries(targets)) {
      expect(
        (await call('POST', `/otp?redirect_to=${encodeURIComponent(asked)}`, { email: 'carol@example.com' }))
          .status,
      ).toBe(200);
      const link = new URL(env.server.mail.list('carol@example.com')[0]!.links[0]!);
      expect(link.searchParams.get('redirect_to'), asked).toBe(expected);
      // A forged link with any redirect_to still lands on an allowed page.
      link.searchParams.set('redirect_to', asked);
      const landed = await fetch(link, { redirect: 'manual' });
      expect(landed.headers.get('location')!.split('#')[0], asked).toBe(expected);
      await db.query(
        `update auth.users set recovery_sent_at = now() - interval '1 hour' where email = 'carol@example.com'`,
      );
    }
  });

  it('answers a NUL byte or deeply nested data with a 400, never a 500', async () => {
    const nul = [
      ['/signup', '{"email":"nul@example.com","password":"secret\\u0000123"}'],
      ['/token?grant_type=password', '{"email":"alice@example.com","password":"pass\\u0000word"}'],
      ['/signup', '{"email":"nul2@example.com","password":"secret123","data":{"name":"a\\u0000b"}}'],
      ['/verify', '{"token_hash":"abc\\u0000","type":"magiclink"}'],
    ] as const;
    for (const [path, body] of nul) {
      const res = await call('POST', path, body);
      expect([res.status, res.body.code], `${path} ${body}`).toEqual([400, 'validation_failed']);
    }
    const query = await call('GET', '/verify?token=%00&type=magiclink&redirect_to=x');
    expect(query.status).toBe(400);
    const deep = `{"email":"deep@example.com","password":"secret123","data":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`;
    const nested = await call('POST', '/signup', deep);
    expect([nested.status, nested.body.code]).toEqual([400, 'bad_json']);
    const ok = await call('POST', '/signup', {
      email: 'nested@example.com',
      password: 'secret123',
      data: JSON.parse(`${'{"a":'.repeat(100)}1${'}'.repeat(100)}`) as unknown,
    });
    expect(ok.status).toBe(200);
  });

  it('checks aud against X-JWT-AUD and refuses user tokens without exp', async () => {
    const session = await call('POST', '/token?grant_type=password', {
      email: 'alice@example.com',
      password: 'password',
    });
    const bearer = { Authorization: `Bearer ${String(session.body.access_token)}` };
    expect((await call('GET', '/user', undefined, bearer)).status).toBe(200);
    const otherAud = await call('GET', '/user', undefined, { ...bearer, 'X-JWT-AUD': 'other' });
    expect([otherAud.status, otherAud.body]).toEqual([
      400,
      { code: 'unexpected_audience', message: "Token audience doesn't match request audience" },
    ]);
    const claims = JSON.parse(
      Buffer.from(String(session.body.access_token).split('.')[1]!, 'base64url').toString(),
    ) as Record<string, unknown>;
    const { exp: _exp, ...withoutExp } = claims;
    const forever = await new SignJWT(withoutExp)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(JWT_SECRET));
    const noExp = await call('GET', '/user', undefined, { Authorization: `Bearer ${forever}` });
    expect([noExp.status, noExp.body.code]).toEqual([403, 'bad_jwt']);
    // REST refuses it too (PGRST301, PostgREST 12.2's code for every refused token), while the same user's token from Auth (which expires) works.
    const rest = async (token: string): Promise<[number, string | undefined]> => {
      const res = await fetch(`${env.server.url}/rest/v1/drafts?select=id`, {
        headers: { apikey: env.anonKey, Authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as { code?: string };
      return [res.status, Array.isArray(body) ? undefined : body.code];
    };
    expect(await rest(forever)).toEqual([401, 'PGRST301']);
    expect(await rest(String(session.body.access_token))).toEqual([200, undefined]);
    // Signing in as another audience finds no user of that audience.
    const wrongAud = await call(
      'POST',
      '/token?grant_type=password',
      { email: 'alice@example.com', password: 'password' },
      { 'X-JWT-AUD': 'other' },
    );
    expect([wrongAud.status, wrongAud.body.code]).toEqual([400, 'invalid_credentials']);
  });
});
