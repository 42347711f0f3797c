import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApiTestEnv, type ApiTestEnv } from './api-test-env.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('Auth: invalid UTF-8 bodies and database connections the server ends', () => {
  let env: ApiTestEnv;
  let admin: pg.Client;
  const logs: string[] = [];

  /** A raw request to /auth/v1 (bytes as given), answered as status and JSON. */
  async function raw(
    method: string,
    path: string,
    body?: Uint8Array,
    contentType = 'application/json',
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${env.server.url}/auth/v1${path}`, {
      method,
      headers: { apikey: env.anonKey, 'Content-Type': contentType },
      ...(body ? { body } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  async function usersNamed(email: string): Promise<number> {
    const { rows } = await admin.query<{ n: number }>(
      'select count(*)::int as n from auth.users where email = $1',
      [email],
    );
    return rows[0]!.n;
  }

  /** Waits until an Auth pool backend waits on a lock; returns its pid. */
  async function blockedAuthBackend(): Promise<number> {
    for (let i = 0; i < 200; i++) {
      const { rows } = await admin.query<{ pid: number }>(
        `select pid from pg_stat_activity
         where application_name = 'supabase-api auth' and wait_event_type = 'Lock' limit 1`,
      );
      if (rows[0]) return rows[0].pid;
      await sleep(25);
    }
    throw new Error('no Auth backend ever waited on the lock');
  }

  beforeAll(async () => {
    env = await startApiTestEnv({
      log: (text) => void logs.push(text),
      projectConfig: {
        auth: {
          rate_limit: { token_refresh: 100_000, token_verifications: 100_000, sign_in_sign_ups: 100_000 },
        },
      },
    });
    admin = new pg.Client({ connectionString: env.db.adminUrl });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await env?.stop();
  });

  it('refuses a sign-up whose user_metadata holds invalid UTF-8 with 400 bad_json, storing nothing', async () => {
    const email = 'bad-bytes@example.com';
    const prefix = Buffer.from(`{"email":"${email}","password":"secret123","data":{"name":"a`);
    const body = Buffer.concat([prefix, Buffer.from([0xff, 0xfe]), Buffer.from('b"}}')]);
    const res = await raw('POST', '/signup', body);
    expect(res).toEqual({
      status: 400,
      body: {
        code: 'bad_json',
        message: 'Could not parse request body as JSON: invalid byte sequence for encoding "UTF8": 0xff',
      },
    });
    // A truncated multi-byte sequence at the very end of the body, too.
    const cut = await raw(
      'POST',
      '/signup',
      Buffer.concat([Buffer.from('{"email":"x@example.com"'), Buffer.from([0xe2, 0x82])]),
    );
    expect([cut.status, cut.body.code]).toEqual([400, 'bad_json']);
    expect(await usersNamed(email)).toBe(0);
  });

  it('refuses a lone surrogate escape sent by supabase-js (signUp and updateUser data), never storing U+FFFD', async () => {
    const sb = env.client();
    const email = 'surrogate@example.com';
    // JSON.stringify writes a lone surrogate as the escape \ud800: it has no UTF-8 form.
    const bad = await sb.auth.signUp({
      email,
      password: 'secret123',
      options: { data: { name: 'a\ud800b' } },
    });
    expect(bad.error?.status).toBe(400);
    expect(bad.error?.code).toBe('bad_json');
    expect(await usersNamed(email)).toBe(0);

    const good = await sb.auth.signUp({ email, password: 'secret123', options: { data: { name: 'é 𝄞' } } });
    expect(good.error).toBeNull();
    expect(good.data.user?.user_metadata.name).toBe('é 𝄞');
    const update = await sb.auth.updateUser({ data: { name: '\udc00x' } });
    expect(update.error?.status).toBe(400);
    const { rows } = await admin.query<{ name: string }>(
      `select raw_user_meta_data->>'name' as name from auth.users where email = $1`,
      [email],
    );
    expect(rows).toEqual([{ name: 'é 𝄞' }]);
  });

  it('refuses percent-escaped invalid UTF-8 in a query string or form body with 400', async () => {
    const query = await raw('GET', '/verify?type=signup&token=%FF%FE&redirect_to=x');
    expect(query).toEqual({
      status: 400,
      body: {
        code: 'validation_failed',
        message: 'Could not parse request parameters: invalid byte sequence for encoding "UTF8": 0xff',
      },
    });
    const form = await raw(
      'POST',
      '/token?grant_type=password',
      Buffer.from('email=alice%40example.com&password=%C3'),
      'application/x-www-form-urlencoded',
    );
    expect([form.status, form.body.code]).toEqual([400, 'validation_failed']);
  });

  it('retries a statement whose backend is terminated under it on a fresh connection (no 500)', async () => {
    const email = 'alice@example.com';
    const sessions = async (): Promise<number> =>
      (
        await admin.query<{ n: number }>(
          `select count(*)::int as n from auth.sessions s join auth.users u on u.id = s.user_id where u.email = $1`,
          [email],
        )
      ).rows[0]!.n;
    const before = await sessions();
    // Signing in writes auth.users (last_sign_in_at) with the new session: it waits on this lock, in use.
    await admin.query('begin');
    await admin.query('lock table auth.users in exclusive mode');
    const sb = env.client();
    const pending = sb.auth.signInWithPassword({ email, password: 'password' });
    let pid: number;
    try {
      pid = await blockedAuthBackend();
      const killed = await admin.query<{ ok: boolean }>('select pg_terminate_backend($1) as ok', [pid]);
      expect(killed.rows[0]!.ok).toBe(true);
    } finally {
      await admin.query('commit');
    }
    const { data, error } = await pending;
    expect(error).toBeNull();
    expect(data.session?.access_token).toBeTruthy();
    // The terminated statement was rolled back by the server; the retry created the one session.
    expect(await sessions()).toBe(before + 1);
    expect(logs.some((l) => l.includes('auth pool: connection lost') && l.includes('retrying'))).toBe(true);
    const { rows } = await admin.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where pid = $1`,
      [pid],
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('answers every request after all its idle connections were terminated, and keeps working', async () => {
    const sb = await env.signedIn('alice@example.com');
    // Fill the pool with several idle connections, then end them all at once.
    await Promise.all(Array.from({ length: 5 }, () => sb.auth.getUser()));
    const { rows } = await admin.query<{ n: number }>(
      `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
       where application_name = 'supabase-api auth'`,
    );
    expect(rows[0]!.n).toBeGreaterThan(0);
    const answers = await Promise.all([
      ...Array.from({ length: 5 }, () => sb.auth.getUser()),
      env.client().auth.signInWithPassword({ email: 'bob@example.com', password: 'password' }),
      sb.auth.refreshSession(),
    ]);
    expect(answers.map((a) => a.error)).toEqual(answers.map(() => null));
    expect((await sb.auth.getUser()).data.user?.email).toBe('alice@example.com');
  });

  it('answers 503 (retryable for auth-js), never 500, when the database cannot be reached', async () => {
    const sb = await env.signedIn('alice@example.com');
    // Refuse new connections to this database and end the open ones: like Postgres going away. (From the
    // maintenance database: a database cannot disallow connections to itself.)
    const maintenance = new pg.Client({ connectionString: env.cluster.adminUrl });
    await maintenance.connect();
    await maintenance.query(`alter database "${env.db.name}" with allow_connections false`);
    try {
      await maintenance.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
         where datname = $1 and application_name like 'supabase-api%'`,
        [env.db.name],
      );
      const res = await fetch(`${env.server.url}/auth/v1/token?grant_type=password`, {
        method: 'POST',
        headers: { apikey: env.anonKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'alice@example.com', password: 'password' }),
      });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        code: 'unexpected_failure',
        message: 'Database unavailable, please retry',
      });
      // (getUser: refreshSession would retry a retryable error with backoff for up to 30 s.)
      const viaClient = await sb.auth.getUser();
      expect(viaClient.error?.name).toBe('AuthRetryableFetchError');
      expect(viaClient.error?.status).toBe(503);
    } finally {
      await maintenance.query(`alter database "${env.db.name}" with allow_connections true`);
      await maintenance.end();
    }
    const again = await sb.auth.getUser();
    expect(again.error).toBeNull();
  });
});
