// The shards store against real servers: Postgres with the control-plane schema, the Supabase-compatible API
// (gateway_auth_token through supabase-js, as the signed-in user), and the data-plane doubles (temp-data-plane
// and data-plane-gateway as processes) with tasks activated into them.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  gatewayVerificationKey,
  registerGateway,
} from '../../main/services/data-plane/gateway-registration.js';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';

import { startApiTestEnv, type ApiTestEnv } from '../../test/api/api-test-env.js';
import {
  buildAndActivate,
  type DoubleDataPlane,
  startDoubleDataPlane,
} from '../../test/data-plane/doubles-harness.js';
import { fixedClients } from '../src/api/clients.js';
import { createShardsStore, PREVIEW_DOCUMENTS, summarizeShards } from '../src/stores/shards-store.js';

const catalog = {
  collections: {
    'aliceCo/s/greetings': { schema: { type: 'object' }, key: ['/id'] },
    'aliceCo/s/derived': {
      schema: { type: 'object' },
      key: ['/id'],
      derivation: { transform: { t: { source: { name: 'aliceCo/s/greetings' } } } },
    },
    'aliceCo/s/empty': { schema: { type: 'object' }, key: ['/id'] },
  },
  captures: {
    'aliceCo/s/source': {
      endpoint: { connector: { image: 'ghcr.io/estuary/source-hello-world:v1', config: {} } },
      bindings: [{ resource: { stream: 'greetings' }, target: 'aliceCo/s/greetings' }],
    },
    'aliceCo/s/paused': {
      endpoint: { connector: { image: 'ghcr.io/estuary/source-hello-world:v1', config: {} } },
      bindings: [],
      shards: { disable: true },
    },
  },
};

class UnusedWebSocket {
  constructor() {
    throw new Error('realtime is not served by the embedded API');
  }
}

/** The GUI's kind of client (supabase-js, no generated types), signed in as a seeded user. */
async function signedIn(env: ApiTestEnv, email: string): Promise<SupabaseClient> {
  const client = createClient(env.server.url, env.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: UnusedWebSocket as never },
  });
  const { error } = await client.auth.signInWithPassword({ email, password: 'password' });
  if (error) throw error;
  return client;
}

describe('shards store (real API, gateway and data plane doubles)', () => {
  let env: ApiTestEnv;
  let dp: DoubleDataPlane;
  let alice: SupabaseClient;
  let bob: SupabaseClient;
  let aliceShards: ReturnType<typeof createShardsStore>;
  let bobShards: ReturnType<typeof createShardsStore>;
  const steer = (behaviour: object): void =>
    writeFileSync(path.join(dp.binDir, 'flowctl-double.json'), JSON.stringify(behaviour));

  beforeAll(async () => {
    env = await startApiTestEnv();
    const key = gatewayVerificationKey('store-test-installation');
    dp = await startDoubleDataPlane(key);
    await registerGateway(env.db.adminUrl, { key, url: dp.gatewayUrl }, () => undefined);
    steer({ captureDocuments: PREVIEW_DOCUMENTS + 5 });
    await buildAndActivate(dp.binDir, dp, 'store-build', catalog, [
      'aliceCo/s/greetings',
      'aliceCo/s/derived',
      'aliceCo/s/empty',
      'aliceCo/s/source',
      'aliceCo/s/paused',
    ]);
    alice = await signedIn(env, 'alice@example.com');
    bob = await signedIn(env, 'bob@example.com');
  });
  afterAll(async () => {
    await dp.stop();
    await env.stop();
    rmSync(dp.binDir, { recursive: true, force: true });
    rmSync(dp.tmp, { recursive: true, force: true });
  });
  beforeEach(() => {
    steer({});
    // A new store per test (as a fresh GUI would have), each asking its user's client.
    aliceShards = createShardsStore(fixedClients(alice));
    bobShards = createShardsStore(fixedClients(bob));
  });

  it('lists the shards of the watched tasks with one token and one listing, and summarises them', async () => {
    const store = aliceShards.getState();
    const names = ['aliceCo/s/source', 'aliceCo/s/derived', 'aliceCo/s/paused', 'aliceCo/s/greetings'];
    const unwatch = names.map((n) => store.watch(n));
    await store.refresh();
    const state = aliceShards.getState();
    expect(state.error).toBeNull();
    expect(state.gateway).toBe('up');
    const summary = (name: string) => summarizeShards(state.gateway, state.shards[name]);
    expect(summary('aliceCo/s/source')).toEqual({ kind: 'running', shards: 1 });
    expect(summary('aliceCo/s/derived')).toEqual({ kind: 'running', shards: 1 });
    expect(summary('aliceCo/s/paused')).toEqual({ kind: 'disabled' });
    // A plain collection has no shards.
    expect(summary('aliceCo/s/greetings')).toEqual({ kind: 'none' });
    // Not watched, not listed.
    expect(summary('aliceCo/s/other')).toEqual({ kind: 'loading' });
    for (const off of unwatch) off();
    expect(aliceShards.getState().watched).toEqual({});
  });

  it('runs a refresh asked for during another once more, so a name watched meanwhile is listed', async () => {
    const store = aliceShards.getState();
    const offSource = store.watch('aliceCo/s/source');
    const first = store.refresh();
    const offDerived = store.watch('aliceCo/s/derived');
    const second = store.refresh();
    expect(second).not.toBe(first);
    await Promise.all([first, second]);
    const { shards } = aliceShards.getState();
    expect(Object.keys(shards).sort()).toEqual(['aliceCo/s/derived', 'aliceCo/s/source']);
    expect(shards['aliceCo/s/derived']).toHaveLength(1);
    offSource();
    offDerived();
  });

  it('shows a failed shard with its errors at the next refresh', async () => {
    const store = aliceShards.getState();
    const off = store.watch('aliceCo/s/source');
    steer({
      shardStatus: { 'aliceCo/s/source': { code: 'FAILED', errors: ['connector exited with status 1'] } },
    });
    await store.refresh();
    const state = aliceShards.getState();
    expect(summarizeShards(state.gateway, state.shards['aliceCo/s/source'])).toEqual({
      kind: 'failed',
      errors: ['connector exited with status 1'],
    });
    steer({ shardStatus: { 'aliceCo/s/source': { code: 'BACKFILL' } } });
    await store.refresh();
    const later = aliceShards.getState();
    expect(summarizeShards(later.gateway, later.shards['aliceCo/s/source'])).toEqual({
      kind: 'pending',
      code: 'BACKFILL',
    });
    off();
  });

  it("gets only what the user may read: bob's token does not cover alice's tasks", async () => {
    const store = bobShards.getState();
    const off = store.watch('aliceCo/s/source');
    await store.refresh();
    const state = bobShards.getState();
    expect(state.error).toBeNull();
    expect(state.shards['aliceCo/s/source']).toEqual([]);
    off();
  });

  it("loads a collection's first documents, acknowledgements dropped, and says when there are more", async () => {
    await aliceShards.getState().loadJournal('aliceCo/s/greetings');
    const preview = aliceShards.getState().journals['aliceCo/s/greetings'];
    expect(preview).toMatchObject({
      status: 'ready',
      journals: ['aliceCo/s/greetings/pivot=00'],
      truncated: true,
      error: null,
    });
    expect(preview!.documents).toHaveLength(PREVIEW_DOCUMENTS);
    expect(preview!.documents[0]).toMatchObject({ id: 1, message: 'Hello #1' });
    expect(preview!.documents.some((d) => (d as { _meta: { ack?: boolean } })._meta.ack)).toBe(false);

    await aliceShards.getState().loadJournal('aliceCo/s/empty');
    expect(aliceShards.getState().journals['aliceCo/s/empty']).toMatchObject({
      status: 'ready',
      documents: [],
      truncated: false,
    });
  });

  it("shows the gateway's error when the user may not read the collection", async () => {
    await bobShards.getState().loadJournal('aliceCo/s/greetings');
    expect(bobShards.getState().journals['aliceCo/s/greetings']).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/^Unauthorized: unauthorized `estuary.dev\/collection` label/) as unknown,
    });
  });

  it('says there is no data plane when no gateway answers', async () => {
    await dp.gateway.stop();
    const store = aliceShards.getState();
    const off = store.watch('aliceCo/s/source');
    await store.refresh();
    const state = aliceShards.getState();
    expect(state.gateway).toBe('down');
    expect(state.error).toMatch(new RegExp(`^the data-plane gateway at ${dp.gatewayUrl} is not reachable`));
    expect(summarizeShards(state.gateway, state.shards['aliceCo/s/source'])).toEqual({
      kind: 'no-data-plane',
    });
    await store.loadJournal('aliceCo/s/greetings');
    expect(aliceShards.getState().journals['aliceCo/s/greetings']?.status).toBe('no-data-plane');
    off();
  });
});
