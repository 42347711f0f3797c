import pg from 'pg';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApiServer, type ApiServer } from '../../main/supabase-api/api-server.js';
import { JWT_SECRET, startApiTestEnv, type ApiTestEnv } from './api-test-env.js';

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

describe('Auth rate limits, code expiry and attempt limits (config.toml [auth.rate_limit], [auth.email])', () => {
  let env: ApiTestEnv;
  let db: pg.Client;
  const servers: ApiServer[] = [];

  /** Another API server on the same database, with its own config.toml (and so its own limiters). */
  async function server(toml = ''): Promise<ApiServer> {
    const s = await startApiServer({
      port: 0,
      mailboxPort: null,
      dbPort: env.cluster.port,
      database: env.db.name,
      jwtSecret: JWT_SECRET,
      mailboxDir: null,
      projectConfig: parse(toml),
    });
    servers.push(s);
    return s;
  }

  async function post(s: ApiServer, path: string, body: unknown): Promise<Answer> {
    const res = await fetch(`${s.url}/auth/v1${path}`, {
      method: 'POST',
      headers: { apikey: env.anonKey, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** Mails a code to `email` through `s` and returns it, as the user would read it. */
  async function mailedCode(s: ApiServer, email: string): Promise<string> {
    expect((await post(s, '/otp', { email })).status).toBe(200);
    const otp = s.mail.list(email)[0]?.otp;
    expect(otp).toMatch(/^\d{6}$/);
    return otp!;
  }

  function wrong(code: string): string {
    return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  }

  beforeAll(async () => {
    env = await startApiTestEnv();
    db = new pg.Client({ connectionString: env.db.adminUrl });
    await db.connect();
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await db?.end();
    await env?.stop();
  });

  it('stops a brute force on a 6-digit code: 429 after the burst, and the code dies after 5 wrong guesses', async () => {
    const s = env.server;
    const code = await mailedCode(s, 'bob@example.com');
    const answers: Answer[] = [];
    const started = Date.now();
    for (let i = 0; i < 40; i++) {
      const guess = String(i).padStart(6, '0') === code ? wrong(code) : String(i).padStart(6, '0');
      answers.push(await post(s, '/verify', { email: 'bob@example.com', token: guess, type: 'email' }));
    }
    // GoTrue's token_verifications limiter (defaults): a burst of 30, then one every 10 s (30 per 5 minutes),
    // so a slow machine may see one more answered per 10 s the loop took.
    const refills = Math.floor((Date.now() - started) / 10_000);
    const answered = answers.filter((a) => a.status !== 429);
    expect(answers.slice(0, 30).every((a) => a.status === 403 && a.body.code === 'otp_expired')).toBe(true);
    expect(answered.length).toBeLessThanOrEqual(30 + refills);
    expect(answers[39]!.status).toBe(429);
    expect(answers[39]!.body).toEqual({
      code: 'over_request_rate_limit',
      message: 'Request rate limit reached',
    });
    // The link route shares the limit, answered (as GoTrue's middleware) with JSON, not a redirect.
    const link = await fetch(`${s.url}/auth/v1/verify?token=abc&type=magiclink`, { redirect: 'manual' });
    expect([link.status, link.headers.get('location')]).toEqual([429, null]);
    // supabase-js sees GoTrue's error too.
    const viaClient = await env
      .client()
      .auth.verifyOtp({ email: 'bob@example.com', token: code, type: 'email' });
    expect(viaClient.error).toMatchObject({ status: 429, code: 'over_request_rate_limit' });
    // A server whose limiter is fresh still refuses the right code: five wrong guesses used it up.
    const fresh = await server();
    const late = await post(fresh, '/verify', { email: 'bob@example.com', token: code, type: 'email' });
    expect([late.status, late.body.code]).toEqual([403, 'otp_expired']);
  });

  it('a code survives four wrong guesses; a new code starts a new count', async () => {
    const s = await server('[auth.rate_limit]\ntoken_verifications = 1000');
    const code = await mailedCode(s, 'carol@example.com');
    for (let i = 0; i < 4; i++) {
      expect(
        (await post(s, '/verify', { email: 'carol@example.com', token: wrong(code), type: 'email' })).status,
      ).toBe(403);
    }
    const ok = await post(s, '/verify', { email: 'carol@example.com', token: code, type: 'email' });
    expect(ok.status).toBe(200);
    expect(ok.body.access_token).toBeTruthy();
  });

  it('limits wrong passwords (token_refresh) and sign-in e-mails (sign_in_sign_ups) per client', async () => {
    // token_refresh = 1: the burst is still GoTrue's 30, and the refill (one per 5 minutes) cannot blur the count.
    const s = await server('[auth.rate_limit]\ntoken_refresh = 1');
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) {
      statuses.push(
        (await post(s, '/token?grant_type=password', { email: 'alice@example.com', password: `guess-${i}` }))
          .status,
      );
    }
    expect(statuses.slice(0, 30).every((st) => st === 400)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
    // The right password waits its turn too: the limit is per client, not per guess.
    const right = await post(s, '/token?grant_type=password', {
      email: 'alice@example.com',
      password: 'password',
    });
    expect([right.status, right.body.code]).toEqual([429, 'over_request_rate_limit']);

    const otp = await server('[auth.rate_limit]\nsign_in_sign_ups = 1');
    const sent: number[] = [];
    for (let i = 0; i < 31; i++)
      sent.push((await post(otp, '/otp', { email: `spam-${i}@example.com` })).status);
    expect(sent.slice(0, 30).every((st) => st === 200)).toBe(true);
    expect(sent[30]).toBe(429);
    expect(otp.mail.list()).toHaveLength(30);
  });

  it('honours otp_expiry: a code older than it is refused', async () => {
    const s = await server('[auth.email]\notp_expiry = 60');
    const code = await mailedCode(s, 'accounts@estuary.dev');
    await db.query(
      `update auth.users set recovery_sent_at = now() - interval '61 seconds' where email = 'accounts@estuary.dev'`,
    );
    const late = await post(s, '/verify', { email: 'accounts@estuary.dev', token: code, type: 'email' });
    expect([late.status, late.body]).toEqual([
      403,
      { code: 'otp_expired', message: 'Token has expired or is invalid' },
    ]);

    const again = await server('[auth.email]\notp_expiry = 60');
    const code2 = await mailedCode(again, 'accounts@estuary.dev');
    await db.query(
      `update auth.users set recovery_sent_at = now() - interval '30 seconds' where email = 'accounts@estuary.dev'`,
    );
    expect(
      (await post(again, '/verify', { email: 'accounts@estuary.dev', token: code2, type: 'email' })).status,
    ).toBe(200);
  });

  it('honours max_frequency per address, and email_sent when an SMTP server is configured', async () => {
    const s = await server('[auth.email]\nmax_frequency = "60s"');
    expect((await post(s, '/otp', { email: 'freq@example.com' })).status).toBe(200);
    const again = await post(s, '/otp', { email: 'freq@example.com' });
    expect(again.status).toBe(429);
    expect(again.body.code).toBe('over_email_send_rate_limit');
    expect(again.body.message).toMatch(
      /^For security purposes, you can only request this after (59|60) seconds\.$/,
    );
    expect((await post(s, '/otp', { email: 'other@example.com' })).status).toBe(200);

    const smtp = await server('[auth.email.smtp]\nenabled = true\n[auth.rate_limit]\nemail_sent = 2');
    expect((await post(smtp, '/otp', { email: 'm1@example.com' })).status).toBe(200);
    expect((await post(smtp, '/recover', { email: 'alice@example.com' })).status).toBe(200);
    const third = await post(smtp, '/otp', { email: 'm3@example.com' });
    expect([third.status, third.body]).toEqual([
      429,
      { code: 'over_email_send_rate_limit', message: 'Email rate limit exceeded' },
    ]);
    expect(smtp.mail.list()).toHaveLength(2);
  });
});
