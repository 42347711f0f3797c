import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { createClient } from '@supabase/supabase-js';
import type { Browser } from 'playwright-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser } from '../support/browser.js';
import { OidcProviderDouble } from '../fixtures/oidc/oidc-provider.js';
import { startApiTestEnv, type ApiTestEnv } from './api-test-env.js';

const CLIENT_ID = 'flow-desktop-test';
const SECRET_ENV = 'FLOW_DESKTOP_TEST_GOOGLE_SECRET';

/** The app a provider sends the browser back to: it reads the session from the URL and asks Auth who it is. */
function startApp(): Promise<{ url: string; close: () => Promise<void> }> {
  const page = `<!doctype html><title>app</title><pre id="out">waiting</pre><script>
    (async () => {
      const out = document.getElementById('out');
      const params = new URLSearchParams(location.hash.slice(1));
      const token = params.get('access_token');
      if (!token) { out.textContent = 'error: ' + (params.get('error_description') || location.href); return; }
      const api = new URLSearchParams(location.search).get('api');
      const res = await fetch(api + '/auth/v1/user', { headers: { Authorization: 'Bearer ' + token } });
      const user = await res.json();
      out.textContent = 'signed in as ' + user.email + ' via ' + user.app_metadata.provider
        + ' provider_token=' + (params.get('provider_token') ? 'yes' : 'no');
    })();
  </script>`;
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(page);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    ),
  );
}

/** Follows redirects as a browser does (manually, so every hop can be seen); returns the last Location. */
async function follow(url: string, stopAt: string): Promise<{ hops: string[]; final: string }> {
  const hops: string[] = [];
  let next = url;
  for (let i = 0; i < 10; i++) {
    if (next.startsWith(stopAt)) return { hops, final: next };
    const res = await fetch(next, { redirect: 'manual' });
    const location = res.headers.get('location');
    if (!location) throw new Error(`${next} answered ${res.status} without a redirect: ${await res.text()}`);
    hops.push(`${res.status} ${new URL(next).pathname}`);
    next = new URL(location, next).toString();
  }
  throw new Error('too many redirects');
}

describe('external sign-in providers ([auth.external.<name>] of config.toml) with a local OIDC provider', () => {
  let env: ApiTestEnv;
  let provider: OidcProviderDouble;
  let app: { url: string; close: () => Promise<void> };
  let browser: Browser;
  let db: pg.Client;

  beforeAll(async () => {
    provider = await new OidcProviderDouble(CLIENT_ID, 'double-secret').start();
    app = await startApp();
    process.env[SECRET_ENV] = 'double-secret';
    env = await startApiTestEnv({
      projectConfig: {
        auth: {
          additional_redirect_urls: [`${app.url}/**`],
          external: {
            // The 2022 Estuary UI's "Sign in with Google", with the double as Google's issuer.
            google: { enabled: true, client_id: CLIENT_ID, secret: `env(${SECRET_ENV})`, url: provider.url },
            keycloak: {
              enabled: true,
              client_id: CLIENT_ID,
              secret: `env(${SECRET_ENV})`,
              url: provider.url,
            },
            github: { enabled: false, client_id: 'x', secret: 'y' },
            azure: { enabled: true, client_id: '', secret: 'y' },
          },
        },
      },
    });
    db = new pg.Client({ connectionString: env.db.adminUrl });
    await db.connect();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await db?.end();
    await env?.stop();
    await app?.close();
    await provider?.close();
    delete process.env[SECRET_ENV];
  });

  it('signs in end to end in Chromium: authorize → provider → callback → session in the URL fragment → /user', async () => {
    provider.account = {
      sub: 'g-100',
      email: 'newcomer@example.com',
      email_verified: true,
      name: 'New Comer',
    };
    const page = await browser.newPage();
    try {
      const redirect = `${app.url}/signed-in?api=${encodeURIComponent(env.server.url)}`;
      await page.goto(
        `${env.server.url}/auth/v1/authorize?provider=google&redirect_to=${encodeURIComponent(redirect)}`,
      );
      await expect
        .poll(() => page.locator('#out').textContent())
        .toBe('signed in as newcomer@example.com via google provider_token=yes');
      expect(page.url().startsWith(`${app.url}/signed-in?api=`)).toBe(true);
    } finally {
      await page.close();
    }
    // The provider saw GoTrue's request: our client id, the callback as redirect_uri, a signed state.
    const authorize = provider.requests.find((r) => r.path === '/authorize')!;
    expect(authorize.params).toMatchObject({
      client_id: CLIENT_ID,
      redirect_uri: `${env.server.url}/auth/v1/callback`,
      response_type: 'code',
      scope: 'openid email profile',
    });
    expect(authorize.params.state!.split('.')).toHaveLength(3);
    const token = provider.requests.find((r) => r.path === '/token')!;
    expect(token.params).toMatchObject({ client_secret: 'double-secret', grant_type: 'authorization_code' });
    const { rows } = await db.query<{ provider: string; provider_id: string; email: string; name: string }>(
      `select i.provider, i.provider_id, u.email, u.raw_user_meta_data->>'full_name' as name
       from auth.identities i join auth.users u on u.id = i.user_id where i.provider = 'google'`,
    );
    expect(rows).toEqual([
      { provider: 'google', provider_id: 'g-100', email: 'newcomer@example.com', name: 'New Comer' },
    ]);
  });

  it('works through supabase-js signInWithOAuth, implicit and PKCE', async () => {
    provider.account = { sub: 'g-200', email: 'js-user@example.com', email_verified: true, name: 'JS User' };
    const implicit = env.client();
    const started = await implicit.auth.signInWithOAuth({
      provider: 'google',
      options: { redirectTo: `${app.url}/done`, skipBrowserRedirect: true },
    });
    expect(started.error).toBeNull();
    const { hops, final } = await follow(started.data.url!, app.url);
    expect(hops).toEqual(['302 /auth/v1/authorize', '302 /authorize', '302 /auth/v1/callback']);
    const fragment = new URLSearchParams(new URL(final).hash.slice(1));
    expect([...fragment.keys()]).toEqual([
      'access_token',
      'expires_at',
      'expires_in',
      'provider_refresh_token',
      'provider_token',
      'refresh_token',
      'token_type',
    ]);
    const set = await implicit.auth.setSession({
      access_token: fragment.get('access_token')!,
      refresh_token: fragment.get('refresh_token')!,
    });
    expect(set.error).toBeNull();
    expect((await implicit.auth.getUser()).data.user?.email).toBe('js-user@example.com');

    const store = new Map<string, string>();
    const pkce = createClient(env.server.url, env.anonKey, {
      auth: {
        flowType: 'pkce',
        persistSession: true,
        autoRefreshToken: false,
        detectSessionInUrl: false,
        storage: {
          getItem: (k: string) => store.get(k) ?? null,
          setItem: (k: string, v: string) => void store.set(k, v),
          removeItem: (k: string) => void store.delete(k),
        },
      },
      realtime: { transport: class {} as never },
    });
    const pkceStart = await pkce.auth.signInWithOAuth({
      provider: 'keycloak',
      options: { redirectTo: `${app.url}/pkce`, skipBrowserRedirect: true },
    });
    expect(new URL(pkceStart.data.url!).searchParams.get('code_challenge_method')).toBe('s256');
    const back = new URL((await follow(pkceStart.data.url!, app.url)).final);
    expect(back.hash).toBe('');
    const code = back.searchParams.get('code')!;
    const exchange = async (verifier: string): Promise<[number, unknown]> => {
      const res = await fetch(`${env.server.url}/auth/v1/token?grant_type=pkce`, {
        method: 'POST',
        headers: { apikey: env.anonKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ auth_code: code, code_verifier: verifier }),
      });
      return [res.status, await res.json()];
    };
    // Someone who saw the code but not the verifier gets nothing (and the code stays for its owner).
    expect(await exchange('x'.repeat(43))).toEqual([
      400,
      { code: 'bad_code_verifier', message: 'code challenge does not match previously saved code verifier' },
    ]);
    const exchanged = await pkce.auth.exchangeCodeForSession(code);
    expect(exchanged.error).toBeNull();
    expect(exchanged.data.session?.provider_token).toBeTruthy();
    expect(exchanged.data.user?.email).toBe('js-user@example.com');
    // Now linked to both providers, one account.
    expect(exchanged.data.user?.identities?.map((i) => i.provider).sort()).toEqual(['google', 'keycloak']);
    // A code is good once.
    expect(await exchange('x'.repeat(43))).toEqual([
      404,
      { code: 'flow_state_not_found', message: 'invalid flow state, no valid flow state found' },
    ]);
  });

  it('refuses providers that are not enabled with GoTrue’s 400 JSON, and the 2022 UI’s Google button reaches Google', async () => {
    const answer = async (query: string): Promise<[number, unknown]> => {
      const res = await fetch(`${env.server.url}/auth/v1/authorize?${query}`, { redirect: 'manual' });
      return [res.status, await res.json()];
    };
    expect(await answer('provider=github')).toEqual([
      400,
      { code: 'validation_failed', message: 'Unsupported provider: provider is not enabled' },
    ]);
    expect(await answer('provider=twitter')).toEqual([
      400,
      { code: 'validation_failed', message: 'Unsupported provider: provider is not enabled' },
    ]);
    expect(await answer('provider=nope')).toEqual([
      400,
      { code: 'validation_failed', message: 'Unsupported provider: Provider nope could not be found' },
    ]);
    expect(await answer('provider=azure')).toEqual([
      400,
      { code: 'validation_failed', message: 'Unsupported provider: missing OAuth client ID' },
    ]);
    const settings = (await (await fetch(`${env.server.url}/auth/v1/settings`)).json()) as {
      external: Record<string, boolean>;
    };
    expect(settings.external).toMatchObject({ google: true, keycloak: true, github: false, email: true });

    // With no url, Google's own consent page (this machine cannot reach it, but that is where the button leads).
    const plain = await startApiTestEnvFor({ google: { enabled: true, client_id: CLIENT_ID, secret: 's' } });
    try {
      const res = await fetch(
        `${plain.server.url}/auth/v1/authorize?provider=google&redirect_to=${encodeURIComponent('http://127.0.0.1:3000/auth')}`,
        { redirect: 'manual' },
      );
      expect(res.status).toBe(302);
      const google = new URL(res.headers.get('location')!);
      expect(`${google.origin}${google.pathname}`).toBe('https://accounts.google.com/o/oauth2/v2/auth');
      expect(google.searchParams.get('client_id')).toBe(CLIENT_ID);
      expect(google.searchParams.get('redirect_uri')).toBe(`${plain.server.url}/auth/v1/callback`);
    } finally {
      await plain.stop();
    }
  });

  it('links only verified e-mails, refuses banned users and forged state, and passes provider errors back', async () => {
    // An unverified address that belongs to bob does not get into bob's account.
    provider.account = { sub: 'k-1', email: 'bob@example.com', email_verified: false, name: 'Not Bob' };
    const unverified = new URL((await follow(authorizeUrl('keycloak'), app.url)).final);
    const token = new URLSearchParams(unverified.hash.slice(1)).get('access_token')!;
    const intruder = (await env.client().auth.getUser(token)).data.user!;
    const { rows: bob } = await db.query<{ id: string }>(
      `select id from auth.users where email = 'bob@example.com'`,
    );
    expect(intruder.id).not.toBe(bob[0]!.id);
    expect(intruder.email ?? '').toBe('');

    // A verified one joins the existing account.
    provider.account = { sub: 'g-alice', email: 'alice@example.com', email_verified: true, name: 'Alice' };
    const linked = new URL((await follow(authorizeUrl('google'), app.url)).final);
    const alice = (
      await env.client().auth.getUser(new URLSearchParams(linked.hash.slice(1)).get('access_token')!)
    ).data.user!;
    expect(alice.email).toBe('alice@example.com');
    expect(alice.identities?.map((i) => i.provider).sort()).toEqual(['email', 'google']);

    // Banned: back to the app with access_denied, no session.
    await db.query(
      `update auth.users set banned_until = now() + interval '1 day' where email = 'alice@example.com'`,
    );
    const banned = new URL((await follow(authorizeUrl('google'), app.url)).final);
    expect(banned.searchParams.get('error')).toBe('access_denied');
    expect(banned.searchParams.get('error_code')).toBe('user_banned');
    expect(banned.hash).not.toContain('access_token');
    await db.query(`update auth.users set banned_until = null where email = 'alice@example.com'`);

    // The user says no at the provider.
    provider.deny = true;
    const denied = new URL((await follow(authorizeUrl('google'), app.url)).final);
    provider.deny = false;
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('error_description')).toBe('The user said no');

    // A state not signed by this stack is a 400, not a sign-in.
    const forged = await fetch(`${env.server.url}/auth/v1/callback?code=abc&state=e30.e30.sig`, {
      redirect: 'manual',
    });
    expect([forged.status, await forged.json()]).toEqual([
      400,
      { code: 'bad_oauth_state', message: 'OAuth callback with invalid state' },
    ]);
    const missing = await fetch(`${env.server.url}/auth/v1/callback?code=abc`, { redirect: 'manual' });
    expect(missing.status).toBe(400);
  });

  function authorizeUrl(name: string): string {
    return `${env.server.url}/auth/v1/authorize?provider=${name}&redirect_to=${encodeURIComponent(`${app.url}/x`)}`;
  }

  /** A second API server on the same database with other providers. */
  async function startApiTestEnvFor(external: Record<string, unknown>): Promise<{
    server: ApiTestEnv['server'];
    stop: () => Promise<void>;
  }> {
    const { startApiServer } = await import('../../main/supabase-api/api-server.js');
    const { JWT_SECRET } = await import('./api-test-env.js');
    const server = await startApiServer({
      port: 0,
      mailboxPort: null,
      dbPort: env.cluster.port,
      database: env.db.name,
      jwtSecret: JWT_SECRET,
      mailboxDir: null,
      projectConfig: { auth: { external } },
    });
    return { server, stop: () => server.close() };
  }
});
