// The Flow data plane in the stack, end to end with the doubles: temp-data-plane and data-plane-gateway start,
// get ready and stop under the supervisor; the gateway key and endpoint are registered; a publication by a
// signed-in user is activated into the data plane and its shard shows through the gateway with a token from
// gateway_auth_token; the GUI's shards store reads the same; and `status` says which binaries were found.
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { jwtVerify } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isAlive } from '../../main/process/process-group.js';
import { gatewayVerificationKey } from '../../main/services/data-plane/gateway-registration.js';
import { fixedClients } from '../../renderer/src/api/clients.js';
import { createShardsStore, summarizeShards } from '../../renderer/src/stores/shards-store.js';
import { type StatusJson, TestStack } from '../support/cli.js';
import { doublesBinDir, gatewayPost, gatewayToken, selector } from './doubles-harness.js';

/** `status --json` with the data plane section. */
interface DataPlaneStatusJson extends StatusJson {
  readonly BROKER_ADDRESS?: string;
  readonly CONSUMER_ADDRESS?: string;
  readonly GATEWAY_URL?: string;
  readonly dataPlane: {
    readonly binaries: { name: string; path: string | null; source: string | null; neededBy: string }[];
    readonly searched: string[];
    readonly brokerAddress: string | null;
    readonly gatewayUrl: string | null;
  };
  readonly services: (StatusJson['services'][number] & { notInstalledReason?: string })[];
}

class UnusedWebSocket {
  constructor() {
    throw new Error('realtime is not served by the embedded API');
  }
}

/** A supabase-js client of the stack, signed in as a seeded user. */
async function signedIn(status: StatusJson, email: string): Promise<SupabaseClient> {
  const client = createClient(status.API_URL, status.ANON_KEY, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: UnusedWebSocket as never },
  });
  const { error } = await client.auth.signInWithPassword({ email, password: 'password' });
  if (error) throw error;
  return client;
}

async function dataPlaneStatus(stack: TestStack): Promise<DataPlaneStatusJson> {
  return (await stack.status()) as DataPlaneStatusJson;
}

describe('the data plane in the stack (doubles of the Flow binaries)', () => {
  let stack: TestStack;
  let binDir: string;
  let ports: { broker: number; consumer: number; gateway: number };
  let status: DataPlaneStatusJson;
  let alice: SupabaseClient;

  beforeAll(async () => {
    stack = await TestStack.create();
    binDir = doublesBinDir();
    // TestStack gives every stack free data-plane ports (passed with `up`).
    ports = { broker: stack.brokerPort, consumer: stack.consumerPort, gateway: stack.gatewayPort };
    const up = await stack.cli(['up', '--detach', '--agents', '1', '--bin-dir', binDir]);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    status = await dataPlaneStatus(stack);
    alice = await signedIn(status, 'alice@example.com');
  });
  afterAll(async () => {
    await stack.cleanup();
    rmSync(binDir, { recursive: true, force: true });
  });

  it('starts temp-data-plane and the gateway, ready on their ports, and says where the binaries are', () => {
    expect(status.state).toBe('running');
    const service = (name: string) => status.services.find((s) => s.name === name);
    expect(service('temp-data-plane')).toMatchObject({ state: 'healthy', port: ports.broker, restarts: 0 });
    expect(service('data-plane-gateway')).toMatchObject({ state: 'healthy', port: ports.gateway });
    expect(status.dataPlane.binaries.map((b) => [b.name, b.path, b.source])).toEqual(
      ['flowctl-go', 'etcd', 'gazette', 'data-plane-gateway'].map((n) => [
        n,
        path.join(binDir, n),
        'bin-dir',
      ]),
    );
    expect(status.dataPlane.searched[0]).toBe(binDir);
    expect(status.BROKER_ADDRESS).toBe(`http://127.0.0.1:${ports.broker}`);
    expect(status.CONSUMER_ADDRESS).toBe(`http://127.0.0.1:${ports.consumer}`);
    expect(status.GATEWAY_URL).toBe(`http://127.0.0.1:${ports.gateway}/`);
  });

  it('keeps the control plane on the gateway: its key and its URL', async () => {
    const client = new pg.Client({ connectionString: status.DB_URL });
    await client.connect();
    try {
      // gateway_auth_token signs with the newest key and returns the newest endpoint: both are the gateway's.
      await client.query(`set role authenticated`);
      await client.query(`select set_config('request.jwt.claims', $1, false)`, [
        JSON.stringify({ sub: '11111111-1111-1111-1111-111111111111', role: 'authenticated' }),
      ]);
      const { rows } = await client.query<{ token: string; gateway_url: string }>(
        `select * from gateway_auth_token('aliceCo/')`,
      );
      expect(rows[0]!.gateway_url).toBe(`http://127.0.0.1:${ports.gateway}/`);
      const key = new TextEncoder().encode(gatewayVerificationKey(status.JWT_SECRET));
      expect((await jwtVerify(rows[0]!.token, key)).payload.prefixes).toEqual(['aliceCo/']);
    } finally {
      await client.end();
    }
  });

  it('activates a publication into the data plane; its shard and documents show through the gateway', async () => {
    const draft = await alice.from('drafts').insert({ detail: 'data plane e2e' }).select('id').single();
    expect(draft.error).toBeNull();
    const draftId = (draft.data as { id: string }).id;
    const specs = await alice.from('draft_specs').insert([
      {
        draft_id: draftId,
        catalog_name: 'aliceCo/dp/greetings',
        spec_type: 'collection',
        spec: {
          schema: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
          key: ['/id'],
        },
      },
      {
        draft_id: draftId,
        catalog_name: 'aliceCo/dp/hello',
        spec_type: 'capture',
        spec: {
          endpoint: { connector: { image: 'ghcr.io/estuary/source-hello-world:v1', config: {} } },
          bindings: [{ resource: { stream: 'greetings' }, target: 'aliceCo/dp/greetings' }],
        },
      },
    ]);
    expect(specs.error).toBeNull();
    const pub = await alice.from('publications').insert({ draft_id: draftId }).select('id').single();
    expect(pub.error).toBeNull();
    const pubId = (pub.data as { id: string }).id;
    let jobStatus: { type: string; dataPlane?: { steps: string[] } } = { type: 'queued' };
    await expect
      .poll(
        async () => {
          const row = await alice.from('publications').select('job_status').eq('id', pubId).single();
          jobStatus = (row.data as { job_status: typeof jobStatus }).job_status;
          return jobStatus.type;
        },
        { timeout: 30_000, interval: 100 },
      )
      .toBe('success');
    expect(jobStatus.dataPlane?.steps).toEqual(['build', 'activate']);

    const token = await alice.rpc('gateway_auth_token', { prefixes: ['aliceCo/'] });
    expect(token.error).toBeNull();
    const [auth] = token.data as { token: string; gateway_url: string }[];
    expect(auth!.gateway_url).toBe(`http://127.0.0.1:${ports.gateway}/`);
    const shards = await gatewayPost(auth!.gateway_url, 'v1/shards/list', auth!.token, {
      selector: selector({ 'estuary.dev/task-name': 'aliceCo/dp/hello' }),
    });
    expect(shards.status).toBe(200);
    expect(JSON.parse(shards.text)).toMatchObject({
      shards: [
        {
          spec: { id: 'capture/aliceCo/dp/hello/00000000-00000000' },
          status: [{ code: 'PRIMARY', errors: [] }],
        },
      ],
    });
    // The build the data plane runs is the publication's, copied into its builds root in the data directory.
    const labels = (
      JSON.parse(shards.text) as {
        shards: { spec: { labels: { labels: { name: string; value: string }[] } } }[];
      }
    ).shards[0]!.spec.labels.labels;
    expect(labels).toContainEqual({ name: 'estuary.dev/build', value: pubId });
    const [tempdir] = readdirSync(path.join(stack.dataDir, 'data-plane'));
    expect(readdirSync(path.join(stack.dataDir, 'data-plane', tempdir!, 'builds'))).toContain(pubId);

    // A token the control plane did not sign — here with the seed's well-known development key — is refused.
    const forged = await gatewayPost(
      auth!.gateway_url,
      'v1/shards/list',
      await gatewayToken('supersecret', ['aliceCo/']),
      {
        selector: selector({ 'estuary.dev/task-name': 'aliceCo/dp/hello' }),
      },
    );
    expect(forged.status).toBe(500);
    expect(JSON.parse(forged.text)).toMatchObject({ message: 'Authentication failed: signature is invalid' });

    // The GUI's store, with the user's client: token, shard listing, and the collection's first documents.
    const shardsStore = createShardsStore(fixedClients(alice));
    const store = shardsStore.getState();
    const unwatch = store.watch('aliceCo/dp/hello');
    try {
      await store.refresh();
      const state = shardsStore.getState();
      expect(state.gateway).toBe('up');
      expect(summarizeShards(state.gateway, state.shards['aliceCo/dp/hello'])).toEqual({
        kind: 'running',
        shards: 1,
      });
      await store.loadJournal('aliceCo/dp/greetings');
      expect(shardsStore.getState().journals['aliceCo/dp/greetings']).toMatchObject({
        status: 'ready',
        journals: ['aliceCo/dp/greetings/pivot=00'],
        documents: [
          { id: 1, message: 'Hello #1' },
          { id: 2, message: 'Hello #2' },
          { id: 3, message: 'Hello #3' },
        ],
      });
    } finally {
      unwatch();
    }
  });

  it('a restarted data plane starts empty: its state is discarded', async () => {
    const before = readdirSync(path.join(stack.dataDir, 'data-plane'));
    const restart = await stack.cli(['restart', 'temp-data-plane']);
    expect(restart.code).toBe(0);
    const after = readdirSync(path.join(stack.dataDir, 'data-plane'));
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
    const token = await gatewayToken(gatewayVerificationKey(status.JWT_SECRET), ['aliceCo/']);
    const shards = await gatewayPost(`http://127.0.0.1:${ports.gateway}/`, 'v1/shards/list', token, {
      selector: selector({ 'estuary.dev/task-name': 'aliceCo/dp/hello' }),
    });
    expect(JSON.parse(shards.text)).toMatchObject({ shards: [] });
  });

  it('stops both with the stack, leaving no process and no data plane state behind', async () => {
    const now = await dataPlaneStatus(stack);
    const pids = now.services
      .filter((s) => s.name === 'temp-data-plane' || s.name === 'data-plane-gateway')
      .map((s) => s.pid!);
    expect(pids).toHaveLength(2);
    const down = await stack.cli(['down']);
    expect(down.code).toBe(0);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(readdirSync(path.join(stack.dataDir, 'data-plane'))).toEqual([]);
  });
});

describe('status with missing Flow binaries', () => {
  const stacks: TestStack[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(stacks.map((s) => s.cleanup()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('names what is missing and what needs it; services that cannot run are not installed', async () => {
    const binDir = doublesBinDir(['flowctl-go', 'data-plane-gateway']);
    dirs.push(binDir);
    const stack = await TestStack.create({ PATH: '/usr/bin:/bin' });
    stacks.push(stack);
    const up = await stack.cli(['up', '--detach', '--bin-dir', binDir]);
    expect(up.code).toBe(0);
    const status = await dataPlaneStatus(stack);
    expect(status.state).toBe('running');
    expect(status.dataPlane.binaries.map((b) => [b.name, b.source])).toEqual([
      ['flowctl-go', 'bin-dir'],
      ['etcd', null],
      ['gazette', null],
      ['data-plane-gateway', 'bin-dir'],
    ]);
    expect(status.dataPlane.brokerAddress).toBeNull();
    const temp = status.services.find((s) => s.name === 'temp-data-plane');
    expect(temp).toMatchObject({ state: 'not-installed', port: null });
    expect(status.services.find((s) => s.name === 'data-plane-gateway')).toMatchObject({
      state: 'not-installed',
    });
    expect(status.BROKER_ADDRESS).toBeUndefined();

    const pretty = await stack.cli(['status']);
    expect(pretty.stdout).toContain(`✓ flowctl-go          ${path.join(binDir, 'flowctl-go')} (bin dir)`);
    expect(pretty.stdout).toMatch(/✗ etcd +missing — needed by temp-data-plane/);
    expect(pretty.stdout).toMatch(
      /temp-data-plane: temp-data-plane starts etcd and gazette next to flowctl-go/,
    );
    expect(pretty.stdout).toContain('fetch-flow-binaries');
  });

  it('finds binaries on PATH when no bin directory has them, and runs no gateway without its binary', async () => {
    const onPath = doublesBinDir(['flowctl-go', 'etcd', 'gazette']);
    dirs.push(onPath);
    const stack = await TestStack.create({ PATH: `${onPath}:/usr/bin:/bin` });
    stacks.push(stack);
    const broker = stack.brokerPort;
    const up = await stack.cli(['up', '--detach']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const status = await dataPlaneStatus(stack);
    expect(status.dataPlane.binaries.map((b) => [b.name, b.path, b.source])).toEqual([
      ['flowctl-go', path.join(onPath, 'flowctl-go'), 'path'],
      ['etcd', path.join(onPath, 'etcd'), 'path'],
      ['gazette', path.join(onPath, 'gazette'), 'path'],
      ['data-plane-gateway', null, null],
    ]);
    expect(status.services.find((s) => s.name === 'temp-data-plane')).toMatchObject({
      state: 'healthy',
      port: broker,
    });
    expect(status.services.some((s) => s.name === 'data-plane-gateway')).toBe(false);
    expect(status.dataPlane.gatewayUrl).toBeNull();
    // The ports stick to the data directory, like the others.
    expect((await stack.cli(['down'])).code).toBe(0);
    const again = await stack.cli(['up', '--detach']);
    expect(again.code).toBe(0);
    expect((await dataPlaneStatus(stack)).services.find((s) => s.name === 'temp-data-plane')).toMatchObject({
      state: 'healthy',
      port: broker,
    });
  });
});
