import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';
import type { Browser } from 'playwright-core';
import { decryptSops } from 'sops-age';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ensureAgeKey } from '../../main/services/functions/age-key-file.js';
import { SUPABASE_DIR } from '../../main/stack/project-paths.js';
import { signApiKey } from '../../main/stack/secrets.js';
import {
  type OAuthProviderDouble,
  startOAuthProviderDouble,
} from '../fixtures/oauth/oauth-provider-double.js';
import { launchBrowser } from '../support/browser.js';
import { startTestCluster, type TestCluster, type TestDatabase } from '../support/test-postgres.js';
import { type FunctionsTestEnv, startFunctionsTestEnv } from './functions-test-env.js';
import { CLIENT, INJECTED, insertOAuthConnectors, type OAuthConnectors } from './oauth-fixtures.js';

const SECRET = 'estuary-ui-test-secret-of-at-least-32-chars!';

/** What the page's replay of the 2022 UI reports. */
interface Replay {
  readonly authUrl: { status: number; data: { url: string; state: string } };
  readonly accessToken: { status: number; data: Record<string, string> };
  readonly encrypted: { status: number; data: Record<string, unknown> };
  readonly discoverStatus: number;
  readonly draftId: string;
}

/**
 * The Estuary UI of late 2022 (estuary/ui `src/api/oauth.ts`, `src/services/supabase.ts`) replayed in Chromium
 * from another origin: supabase-js 1.35's `functions.invoke(fn, { body: JSON.stringify(body) })` (functions-js
 * 1.3.4) is a POST with the client's headers (X-Client-Info, apikey, Authorization) and a string body, whose JSON
 * answer is taken as data whatever its status. It asks for the provider's URL, follows the provider back to
 * its /oauth page, exchanges the code, injects its client credentials placeholder, encrypts the config and
 * saves it as a discover, as the UI's capture-create page does.
 */
describe('the 2022 Estuary UI against /functions/v1/oauth', () => {
  let cluster: TestCluster;
  let db: TestDatabase;
  let provider: OAuthProviderDouble;
  let env: FunctionsTestEnv;
  let connectors: OAuthConnectors;
  let ui: http.Server;
  let uiOrigin: string;
  let browser: Browser;
  let anonKey: string;
  let identity: string;
  let keyDir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase();
    provider = await startOAuthProviderDouble(CLIENT);
    connectors = await insertOAuthConnectors(db.url, provider.url);
    anonKey = await signApiKey(SECRET, 'anon');
    keyDir = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-age-'));
    const key = await ensureAgeKey(keyDir);
    identity = key.identities[0]!;
    env = await startFunctionsTestEnv({
      supabaseDir: SUPABASE_DIR,
      jwtSecret: SECRET,
      db: { port: cluster.port, database: db.name },
      functionEnv: {
        SUPABASE_ANON_KEY: anonKey,
        SUPABASE_SERVICE_ROLE_KEY: await signApiKey(SECRET, 'service_role'),
        FLOW_SOPS_AGE_RECIPIENT: key.recipient,
      },
    });
    // The UI's origin: a blank page, and its /oauth page the provider sends the browser back to.
    ui = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>Estuary</title>');
    });
    await new Promise<void>((resolve) => ui.listen(0, '127.0.0.1', resolve));
    uiOrigin = `http://127.0.0.1:${(ui.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (ui ? ui.close(() => resolve()) : resolve()));
    await env?.stop();
    await provider?.close();
    await db?.drop();
    await cluster?.stop();
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  });

  it('gets the auth URL and tokens, and saves the endpoint config with its secrets encrypted', async () => {
    const page = await browser.newPage();
    await page.goto(`${uiOrigin}/captures/create`);
    const api = env.api.url;
    // Signed in as the UI does (GoTrue password grant), so functions get the user's JWT.
    const session = await page.evaluate(
      async ({ api, anonKey }) => {
        const r = await fetch(`${api}/auth/v1/token?grant_type=password`, {
          method: 'POST',
          headers: { apikey: anonKey, 'Content-Type': 'application/json' },
          body: JSON.stringify({ email: 'alice@example.com', password: 'password' }),
        });
        return (await r.json()) as { access_token: string; user: { id: string } };
      },
      { api, anonKey },
    );

    const step1 = await page.evaluate(
      async ({ api, anonKey, token, connectorId, origin }) => {
        // functions-js 1.3.4 FunctionsClient.invoke, with supabase-js 1.35's headers.
        const invoke = async (body: unknown): Promise<{ status: number; data: unknown }> => {
          const response = await fetch(`${api}/functions/v1/oauth`, {
            method: 'POST',
            headers: {
              'X-Client-Info': 'supabase-js/1.35.7',
              apikey: anonKey,
              Authorization: `Bearer ${token}`,
            },
            body: JSON.stringify(body),
          });
          return { status: response.status, data: await response.json() };
        };
        return invoke({
          operation: 'auth-url',
          connector_id: connectorId,
          redirect_uri: `${origin}/oauth`, // window.location.origin
          config: { host: 'db.example.com', scope: 'read' },
        });
      },
      {
        api,
        anonKey,
        token: session.access_token,
        connectorId: connectors.form.connectorId,
        origin: uiOrigin,
      },
    );
    expect(step1.status).toBe(200);
    const authUrl = step1.data as Replay['authUrl']['data'];

    // The UI opens the provider; the provider sends the browser back to the UI's /oauth page.
    const popup = await browser.newPage();
    await popup.goto(authUrl.url);
    const back = new URL(popup.url());
    expect(`${back.origin}${back.pathname}`).toBe(`${uiOrigin}/oauth`);
    expect(back.searchParams.get('state')).toBe(authUrl.state);
    const code = back.searchParams.get('code')!;
    await popup.close();

    const replay = await page.evaluate(
      async ({ api, anonKey, token, state, code, connectorId, tagId, origin }) => {
        const invoke = async (body: unknown): Promise<{ status: number; data: unknown }> => {
          const response = await fetch(`${api}/functions/v1/oauth`, {
            method: 'POST',
            headers: {
              'X-Client-Info': 'supabase-js/1.35.7',
              apikey: anonKey,
              Authorization: `Bearer ${token}`,
            },
            body: JSON.stringify(body),
          });
          return { status: response.status, data: await response.json() };
        };
        const config = { host: 'db.example.com', port: 5432, password: 'the-users-db-password' };
        const accessToken = await invoke({
          operation: 'access-token',
          redirect_uri: `${origin}/oauth`, // window.location.origin
          state,
          code,
          config,
        });
        const tokens = accessToken.data as { refresh_token: string };
        const encrypted = await invoke({
          operation: 'encrypt-config',
          connector_id: connectorId,
          connector_tag_id: tagId,
          config: {
            ...config,
            credentials: {
              auth_type: 'oauth2',
              client_id: '_injectedDuringEncryption_',
              client_secret: '_injectedDuringEncryption_',
              refresh_token: tokens.refresh_token,
            },
          },
        });
        // src/api/drafts.ts and src/api/discovers.ts (postgrest-js 0.37: insert returns the rows).
        const rest = (table: string, row: unknown): Promise<Response> =>
          fetch(`${api}/rest/v1/${table}`, {
            method: 'POST',
            headers: {
              'X-Client-Info': 'supabase-js/1.35.7',
              apikey: anonKey,
              Authorization: `Bearer ${token}`,
              'Content-Type': 'application/json',
              Prefer: 'return=representation',
            },
            body: JSON.stringify([row]),
          });
        const draft = (await (await rest('drafts', { detail: 'aliceCo/oauth-capture' })).json()) as {
          id: string;
        }[];
        const discover = await rest('discovers', {
          capture_name: 'aliceCo/oauth-capture',
          endpoint_config: encrypted.data,
          connector_tag_id: tagId,
          draft_id: draft[0]!.id,
        });
        return { accessToken, encrypted, discoverStatus: discover.status, draftId: draft[0]!.id };
      },
      {
        api,
        anonKey,
        token: session.access_token,
        state: authUrl.state,
        code,
        connectorId: connectors.form.connectorId,
        tagId: connectors.form.tagId,
        origin: uiOrigin,
      },
    );
    await page.close();

    expect(replay.accessToken.status).toBe(200);
    const tokens = replay.accessToken.data as Record<string, string>;
    expect(tokens.refresh_token).toMatch(/^refresh-/);
    expect(replay.encrypted.status).toBe(200);
    expect(replay.discoverStatus).toBe(201);

    // What was saved: the user's values, readable where not secret and encrypted where secret.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const saved = (
      await client.query<{ endpoint_config: Record<string, unknown> }>(
        'select endpoint_config from discovers where draft_id = $1',
        [replay.draftId],
      )
    ).rows[0]!.endpoint_config;
    await client.end();
    expect(saved).not.toHaveProperty('message');
    expect(saved).toMatchObject({ host: 'db.example.com', port: 5432 });
    expect(saved.password_sops).toMatch(/^ENC\[AES256_GCM,/);
    const text = JSON.stringify(saved);
    for (const secret of ['the-users-db-password', CLIENT.secret, tokens.refresh_token!]) {
      expect(text).not.toContain(secret);
    }
    expect(await decryptSops(text, { secretKey: identity, fileType: 'json' })).toEqual({
      host: 'db.example.com',
      port: 5432,
      password_sops: 'the-users-db-password',
      credentials: {
        auth_type: 'oauth2',
        client_id_sops: CLIENT.id,
        client_secret_sops: CLIENT.secret,
        refresh_token_sops: tokens.refresh_token,
        account_token_injected_sops: INJECTED.account_token_injected,
      },
    });
  });
});
