import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { decryptSops } from 'sops-age';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ageKeyFile, ensureAgeKey } from '../../main/services/functions/age-key-file.js';
import { signApiKey } from '../../main/stack/secrets.js';
import { SUPABASE_DIR } from '../../main/stack/project-paths.js';
import {
  type OAuthProviderDouble,
  startOAuthProviderDouble,
} from '../fixtures/oauth/oauth-provider-double.js';
import { startTestCluster, type TestCluster, type TestDatabase } from '../support/test-postgres.js';
import { type FunctionsTestEnv, startFunctionsTestEnv } from './functions-test-env.js';
import { CLIENT, INJECTED, insertOAuthConnectors, type OAuthConnectors } from './oauth-fixtures.js';

const SECRET = 'oauth-test-secret-of-at-least-32-characters!';
const REDIRECT = 'http://localhost:3000/oauth';

type Json = Record<string, unknown>;

describe('the oauth Edge Function (supabase/functions/oauth)', () => {
  let cluster: TestCluster;
  let db: TestDatabase;
  let provider: OAuthProviderDouble;
  let env: FunctionsTestEnv;
  let connectors: OAuthConnectors;
  let anonKey: string;
  let userToken: string;
  let identity: string;
  let keyDir: string;

  /** POSTs an operation to /functions/v1/oauth as the signed-in user. */
  const oauth = async (body: unknown): Promise<{ status: number; json: Json }> => {
    const response = await env.call('oauth', {
      method: 'POST',
      headers: { Authorization: `Bearer ${userToken}`, apikey: anonKey, 'Content-Type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Json };
  };

  beforeAll(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase();
    provider = await startOAuthProviderDouble(CLIENT);
    connectors = await insertOAuthConnectors(db.url, provider.url);
    anonKey = await signApiKey(SECRET, 'anon');
    // The data directory's key, as the stack's edge-functions service makes it before the runtime starts.
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
    const signIn = await fetch(`${env.api.url}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: { apikey: anonKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'alice@example.com', password: 'password' }),
    });
    userToken = ((await signIn.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await env?.stop();
    await provider?.close();
    await db?.drop();
    await cluster?.stop();
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  });

  describe('auth-url', () => {
    it("renders the connector's authUrlTemplate and returns it with a state naming the connector", async () => {
      const { status, json } = await oauth({
        operation: 'auth-url',
        connector_id: connectors.form.connectorId,
        redirect_uri: REDIRECT,
        config: { scope: 'read write' },
        state: { from: 'the caller' },
      });
      expect(status).toBe(200);
      const url = new URL(json.url as string);
      expect(`${url.origin}${url.pathname}`).toBe(`${provider.url}/authorize`);
      expect(url.searchParams.get('client_id')).toBe(CLIENT.id);
      expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT);
      expect(url.searchParams.get('scope')).toBe('read write');
      expect(url.searchParams.get('state')).toBe(json.state);
      const state = JSON.parse(atob(json.state as string)) as Json;
      expect(state).toMatchObject({ from: 'the caller', connector_id: connectors.form.connectorId });
      expect(state.verification_token).toMatch(/^[A-Za-z0-9]{40}$/);
      // Never the secret.
      expect(JSON.stringify(json)).not.toContain(CLIENT.secret);
    });

    it('answers an unknown connector with the PostgREST error, and a missing one with a clear 400', async () => {
      const unknown = await oauth({ operation: 'auth-url', connector_id: '00:00:00:00:00:00:00:01' });
      expect(unknown.status).toBe(400);
      expect(unknown.json.error).toMatchObject({ code: 'PGRST116' });
      const missing = await oauth({ operation: 'auth-url' });
      expect(missing).toEqual({
        status: 400,
        json: { error: { code: 'invalid_request', message: 'connector_id is required' } },
      });
    });
  });

  describe('access-token', () => {
    /** Runs auth-url, follows the URL to the provider and back: the code and state the UI's /oauth page gets. */
    const authorize = async (connectorId: string): Promise<{ code: string; state: string }> => {
      const { json } = await oauth({
        operation: 'auth-url',
        connector_id: connectorId,
        redirect_uri: REDIRECT,
        config: { scope: 'read' },
      });
      const redirect = await fetch(json.url as string, { redirect: 'manual' });
      expect(redirect.status).toBe(302);
      const back = new URL(redirect.headers.get('location')!);
      expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
      return { code: back.searchParams.get('code')!, state: back.searchParams.get('state')! };
    };

    it('exchanges the code at the provider (form body) and returns the tokens the response map names', async () => {
      const { code, state } = await authorize(connectors.form.connectorId);
      const before = provider.tokenRequests.length;
      const began = Date.now();
      const { status, json } = await oauth({
        operation: 'access-token',
        redirect_uri: REDIRECT,
        state,
        code,
        config: { scope: 'read' },
      });
      expect(status).toBe(200);
      expect(json.access_token).toMatch(/^access-/);
      expect(json.account).toBe('acct-42');
      expect(json.refresh_token).toMatch(/^refresh-/);
      const expiresAt = Date.parse(json.expires_at as string);
      expect(expiresAt).toBeGreaterThanOrEqual(began + 3600_000 - 1000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000);
      const request = provider.tokenRequests[before]!;
      expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(request.params).toEqual({
        grant_type: 'authorization_code',
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        redirect_uri: REDIRECT,
        code,
      });
    });

    it('renders JSON bodies and Basic client authentication (basicauth helper)', async () => {
      const { code, state } = await authorize(connectors.basic.connectorId);
      const before = provider.tokenRequests.length;
      const { status, json } = await oauth({
        operation: 'access-token',
        redirect_uri: REDIRECT,
        state,
        code,
      });
      expect(status).toBe(200);
      expect(Object.keys(json)).toEqual(['access_token']);
      const request = provider.tokenRequests[before]!;
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers.authorization).toBe(`Basic ${btoa(`${CLIENT.id}:${CLIENT.secret}`)}`);
      expect(request.params).toEqual({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    });

    it("passes the provider's refusal on with its status, and says when the provider is unreachable", async () => {
      const { state } = await authorize(connectors.form.connectorId);
      const refused = await oauth({
        operation: 'access-token',
        redirect_uri: REDIRECT,
        state,
        code: 'made-up',
      });
      expect(refused.status).toBe(400);
      expect(refused.json.access_token).toBeUndefined();
      expect(env.logs.join('\n')).toContain('access token request failed: POST');
      expect(env.logs.join('\n')).not.toContain(CLIENT.secret);

      const badState = await oauth({ operation: 'access-token', state: 'not base64 json', code: 'x' });
      expect(badState.status).toBe(400);
      expect(badState.json.error).toMatchObject({ code: 'invalid_request' });

      await provider.close();
      try {
        const down = await oauth({ operation: 'access-token', redirect_uri: REDIRECT, state, code: 'x' });
        expect(down.status).toBe(502);
        expect(down.json.error).toMatchObject({ code: 'provider_unreachable' });
      } finally {
        provider = await startOAuthProviderDouble(CLIENT);
      }
    });
  });

  describe('encrypt-config', () => {
    const userConfig = {
      host: 'db.example.com',
      port: 5432,
      password: 'hunter2-the-password',
      credentials: {
        auth_type: 'oauth2',
        client_id: '_injectedDuringEncryption_',
        client_secret: '_injectedDuringEncryption_',
        refresh_token: 'refresh-token-from-the-provider',
      },
    };

    it('sops-encrypts the secret fields with the data directory age key; sops-age decrypts them', async () => {
      const { status, json } = await oauth({
        operation: 'encrypt-config',
        connector_id: connectors.form.connectorId,
        connector_tag_id: connectors.form.tagId,
        config: userConfig,
      });
      expect(status).toBe(200);
      // Readable where not secret, ciphertext under a _sops suffix where secret.
      expect(json.host).toBe('db.example.com');
      expect(json.port).toBe(5432);
      expect(json).not.toHaveProperty('password');
      expect(json.password_sops).toMatch(/^ENC\[AES256_GCM,data:.+,type:str\]$/);
      const credentials = json.credentials as Json;
      expect(credentials.auth_type).toBe('oauth2');
      for (const key of ['client_id', 'client_secret', 'refresh_token', 'account_token_injected']) {
        expect(credentials[`${key}_sops`], key).toMatch(/^ENC\[AES256_GCM,/);
        expect(credentials, key).not.toHaveProperty(key);
      }
      const text = JSON.stringify(json);
      for (const secret of [
        CLIENT.id,
        CLIENT.secret,
        INJECTED.account_token_injected,
        'hunter2',
        'refresh-token-from',
      ]) {
        expect(text).not.toContain(secret);
      }
      const sops = json.sops as Json;
      expect(sops).toMatchObject({ encrypted_suffix: '_sops', version: '3.7.3', kms: null, gcp_kms: null });
      expect((sops.age as Json[])[0]!.recipient).toMatch(/^age1/);

      // An independent sops implementation, with the key from the data directory's key file.
      const decrypted = (await decryptSops(text, { secretKey: identity, fileType: 'json' })) as Json;
      expect(decrypted).toEqual({
        host: 'db.example.com',
        port: 5432,
        password_sops: 'hunter2-the-password',
        credentials: {
          auth_type: 'oauth2',
          client_id_sops: CLIENT.id,
          client_secret_sops: CLIENT.secret,
          refresh_token_sops: 'refresh-token-from-the-provider',
          account_token_injected_sops: INJECTED.account_token_injected,
        },
      });
    });

    it('keeps the age key owner-only in the data directory', () => {
      const file = ageKeyFile(keyDir);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8')).toContain(identity);
    });

    it('follows the branch the config takes: a $ref secret of the token branch', async () => {
      const { status, json } = await oauth({
        operation: 'encrypt-config',
        connector_id: connectors.form.connectorId,
        connector_tag_id: connectors.form.tagId,
        config: { host: 'h', credentials: { auth_type: 'token', token: 'tok-123' } },
      });
      expect(status).toBe(200);
      expect((json.credentials as Json).token_sops).toMatch(/^ENC\[/);
      expect(json).not.toHaveProperty('password_sops');
    });

    it('refuses a config its schema rejects, naming the places but not the values', async () => {
      const { status, json } = await oauth({
        operation: 'encrypt-config',
        connector_id: connectors.form.connectorId,
        connector_tag_id: connectors.form.tagId,
        config: { port: 'not-a-port-secret-ish', credentials: { auth_type: 'oauth2' } },
      });
      expect(status).toBe(400);
      const error = json.error as { code: string; details: string[] };
      expect(error.code).toBe('encryption_failure');
      expect(error.details.join('\n')).toContain("must have required property 'host'");
      expect(error.details.join('\n')).toContain('/port must be integer');
      expect(JSON.stringify(json)).not.toContain('not-a-port-secret-ish');
    });

    it('refuses to return injected client credentials the schema does not mark secret', async () => {
      const { status, json } = await oauth({
        operation: 'encrypt-config',
        connector_id: connectors.leaky.connectorId,
        connector_tag_id: connectors.leaky.tagId,
        config: {
          credentials: {
            client_id: '_injectedDuringEncryption_',
            client_secret: '_injectedDuringEncryption_',
          },
        },
      });
      expect(status).toBe(400);
      expect((json.error as Json).code).toBe('exposed_secret');
      expect(JSON.stringify(json)).not.toContain(CLIENT.secret);
    });

    it("refuses a tag of another connector (its schema would decide what another connector's secret is)", async () => {
      const { status, json } = await oauth({
        operation: 'encrypt-config',
        connector_id: connectors.form.connectorId,
        connector_tag_id: connectors.leaky.tagId,
        config: { credentials: {} },
      });
      expect(status).toBe(400);
      expect((json.error as Json).description).toContain('is not a tag of connector');
    });
  });

  it('answers unknown operations and bodies that are not JSON objects with 400', async () => {
    expect(await oauth({ operation: 'steal-secrets' })).toEqual({
      status: 400,
      json: { error: 'unknown_operation' },
    });
    const notJson = await oauth('{not json');
    expect(notJson.status).toBe(400);
    expect(notJson.json.error).toMatchObject({ code: 'invalid_request' });
  });

  it('requires a JWT (verify_jwt is on for oauth)', async () => {
    const response = await env.call('oauth', { method: 'POST', body: '{"operation":"auth-url"}' });
    expect(response.status).toBe(401);
  });
});
