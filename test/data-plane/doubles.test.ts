// The Flow data-plane doubles against their documented contracts (shared/reference/flow-contracts.md §1.3, §2):
// temp-data-plane's TCP form, activation into it, and the gateway's JWT verification, prefix checks and REST
// shapes. Everything runs as real processes on free ports.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isAlive } from '../../main/process/process-group.js';
import { freePort } from '../support/free-port.js';
import {
  accepts,
  buildAndActivate,
  type DoubleDataPlane,
  doublesBinDir,
  gatewayPost,
  gatewayToken,
  run,
  selector,
  startDoubleDataPlane,
  until,
} from './doubles-harness.js';

const KEY = 'a-key-only-this-test-knows';

describe('temp-data-plane double (TCP ports form)', () => {
  it('announces its addresses before it listens, serves its builds root, and discards its state on SIGTERM', async () => {
    const binDir = doublesBinDir(undefined, { delayMs: { listen: 1500 } });
    const broker = await freePort();
    const consumer = await freePort();
    const tmp = doublesBinDir([]);
    const dp = run(
      path.join(binDir, 'flowctl-go'),
      ['temp-data-plane', '--broker-port', String(broker), '--consumer-port', String(consumer)],
      { TMPDIR: tmp },
    );
    try {
      await until('the addresses', () => dp.stdout.length >= 2);
      expect(dp.stdout.map((l) => l.line)).toEqual([
        `export BROKER_ADDRESS=http://localhost:${broker}`,
        `export CONSUMER_ADDRESS=http://localhost:${consumer}`,
      ]);
      // Announced, not ready: callers must probe the ports.
      expect(await accepts(broker)).toBe(false);
      expect(await accepts(consumer)).toBe(false);
      await until('both ports', async () => (await accepts(broker)) && (await accepts(consumer)));

      const [tempdir] = readdirSync(tmp).filter((e) => e.startsWith('flow-temp-data-plane'));
      expect(tempdir).toBeDefined();
      const vars = (await (await fetch(`http://127.0.0.1:${consumer}/debug/vars`)).json()) as {
        cmdline: string[];
      };
      const root = vars.cmdline[vars.cmdline.indexOf('--flow.builds-root') + 1];
      expect(root).toBe(`file://${path.join(tmp, tempdir!)}/builds/`);
      expect(vars.cmdline.slice(0, 3)).toEqual(['flowctl-go', 'serve', 'consumer']);
      expect((await fetch(`http://127.0.0.1:${broker}/debug/ready`)).status).toBe(200);

      expect(await dp.stop()).toBe(0);
      expect(existsSync(path.join(tmp, tempdir!))).toBe(false);
      expect(await accepts(broker)).toBe(false);
      expect(await accepts(consumer)).toBe(false);
    } finally {
      await dp.stop();
      rmSync(binDir, { recursive: true, force: true });
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('exits when its broker dies, and its children exit with it', async () => {
    const binDir = doublesBinDir();
    const broker = await freePort();
    const consumer = await freePort();
    const dp = run(path.join(binDir, 'flowctl-go'), [
      'temp-data-plane',
      '--broker-port',
      String(broker),
      '--consumer-port',
      String(consumer),
      '--tempdir',
      binDir,
    ]);
    try {
      await until('both ports', async () => (await accepts(broker)) && (await accepts(consumer)));
      const pids = execFileSync('pgrep', ['-P', String(dp.child.pid)], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .map(Number);
      expect(pids).toHaveLength(2);
      process.kill(pids[0]!, 'SIGKILL');
      expect(await dp.exited).toBe(1);
      expect(dp.stderr.join('\n')).toMatch(/a child exited unexpectedly/);
      await until('the children to go', () => pids.every((pid) => !isAlive(pid)));
      // A given --tempdir is kept.
      expect(existsSync(path.join(binDir, 'builds'))).toBe(true);
    } finally {
      await dp.stop();
      rmSync(binDir, { recursive: true, force: true });
    }
  });
});

describe('data-plane-gateway double', () => {
  let dp: DoubleDataPlane;
  let token: string;
  const catalog = {
    collections: {
      'aliceCo/hello/greetings': { schema: { type: 'object' }, key: ['/id'] },
      'aliceCo/hello/derived': {
        schema: { type: 'object' },
        key: ['/id'],
        derivation: { transform: { t: { source: { name: 'aliceCo/hello/greetings' } } } },
      },
      'bobCo/secret/stuff': { schema: { type: 'object' }, key: ['/id'] },
    },
    captures: {
      'aliceCo/hello/source': {
        endpoint: { connector: { image: 'ghcr.io/estuary/source-hello-world:v1', config: {} } },
        bindings: [{ resource: { stream: 'greetings' }, target: 'aliceCo/hello/greetings' }],
      },
      'aliceCo/hello/paused': {
        endpoint: { connector: { image: 'ghcr.io/estuary/source-hello-world:v1', config: {} } },
        bindings: [{ resource: { stream: 'greetings' }, target: 'aliceCo/hello/greetings' }],
        shards: { disable: true },
      },
    },
  };

  beforeAll(async () => {
    dp = await startDoubleDataPlane(KEY);
    await buildAndActivate(dp.binDir, dp, 'build-1', catalog, [
      'aliceCo/hello/greetings',
      'aliceCo/hello/derived',
      'aliceCo/hello/source',
      'aliceCo/hello/paused',
      'bobCo/secret/stuff',
    ]);
    token = await gatewayToken(KEY, ['aliceCo/']);
  });
  afterAll(async () => {
    await dp.stop();
    rmSync(dp.binDir, { recursive: true, force: true });
    rmSync(dp.tmp, { recursive: true, force: true });
  });

  it('lists the shards of activated tasks with their status, in the REST shape', async () => {
    const res = await gatewayPost(dp.gatewayUrl, 'v1/shards/list', token, {
      selector: selector({
        'estuary.dev/task-name': ['aliceCo/hello/source', 'aliceCo/hello/derived', 'aliceCo/hello/paused'],
      }),
    });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text) as {
      shards: {
        spec: { id: string; disable: boolean; labels: { labels: { name: string; value: string }[] } };
        status: unknown[];
        route: { primary: number };
      }[];
    };
    expect(body.shards.map((s) => [s.spec.id, s.status])).toEqual([
      ['capture/aliceCo/hello/paused/00000000-00000000', []],
      ['capture/aliceCo/hello/source/00000000-00000000', [{ code: 'PRIMARY', errors: [] }]],
      ['derivation/aliceCo/hello/derived/00000000-00000000', [{ code: 'PRIMARY', errors: [] }]],
    ]);
    expect(body.shards[0]!.spec.disable).toBe(true);
    expect(body.shards[0]!.route.primary).toBe(-1);
    expect(body.shards[1]!.spec.labels.labels).toContainEqual({
      name: 'estuary.dev/task-type',
      value: 'capture',
    });
    expect(body.shards[1]!.spec.labels.labels).toContainEqual({
      name: 'estuary.dev/build',
      value: 'build-1',
    });
  });

  it('reports a shard status the steering file asks for', async () => {
    writeFileSync(
      path.join(dp.binDir, 'flowctl-double.json'),
      JSON.stringify({
        shardStatus: { 'aliceCo/hello/source': { code: 'FAILED', errors: ['connector crashed'] } },
      }),
    );
    try {
      const res = await gatewayPost(dp.gatewayUrl, 'v1/shards/list', token, {
        selector: selector({ 'estuary.dev/task-name': 'aliceCo/hello/source' }),
      });
      expect(JSON.parse(res.text)).toMatchObject({
        shards: [{ status: [{ code: 'FAILED', errors: ['connector crashed'] }] }],
      });
    } finally {
      writeFileSync(path.join(dp.binDir, 'flowctl-double.json'), '{}');
    }
  });

  it("lists a collection's journals and reads its documents as newline-delimited results", async () => {
    const list = await gatewayPost(dp.gatewayUrl, 'v1/journals/list', token, {
      selector: selector({ 'estuary.dev/collection': 'aliceCo/hello/greetings' }),
    });
    const journals = (JSON.parse(list.text) as { journals: { spec: { name: string } }[] }).journals;
    expect(journals.map((j) => j.spec.name)).toEqual(['aliceCo/hello/greetings/pivot=00']);

    const meta = await gatewayPost(dp.gatewayUrl, 'v1/journals/read', token, {
      journal: 'aliceCo/hello/greetings/pivot=00',
      offset: 0,
      metadataOnly: true,
    });
    const [first] = meta.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { result: { writeHead: string; fragment: { journal: string } } });
    expect(first!.result.fragment.journal).toBe('aliceCo/hello/greetings/pivot=00');
    const writeHead = Number(first!.result.writeHead);
    expect(writeHead).toBeGreaterThan(0);

    const read = await gatewayPost(dp.gatewayUrl, 'v1/journals/read', token, {
      journal: 'aliceCo/hello/greetings/pivot=00',
      offset: 0,
      endOffset: writeHead,
    });
    const results = read.text
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { result: { content?: string } }).result);
    const content = Buffer.concat(
      results.filter((r) => r.content).map((r) => Buffer.from(r.content!, 'base64')),
    ).toString();
    const docs = content
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id?: number; message?: string; _meta: { ack?: boolean } });
    // The capture wrote three documents and an acknowledgement (its disabled sibling wrote nothing).
    expect(docs.filter((d) => !d._meta.ack).map((d) => d.message)).toEqual([
      'Hello #1',
      'Hello #2',
      'Hello #3',
    ]);
    expect(docs.filter((d) => d._meta.ack)).toHaveLength(1);
  });

  it('rejects a forged, expired or malformed token with the documented errors', async () => {
    const body = { selector: selector({ 'estuary.dev/task-name': 'aliceCo/hello/source' }) };
    const message = async (
      t: string | null,
      headers: Record<string, string> = {},
    ): Promise<[number, string]> => {
      const res = await gatewayPost(dp.gatewayUrl, 'v1/shards/list', t, body, headers);
      return [res.status, (JSON.parse(res.text) as { message: string }).message];
    };
    expect(await message(await gatewayToken('supersecret', ['aliceCo/']))).toEqual([
      500,
      'Authentication failed: signature is invalid',
    ]);
    expect((await message(await gatewayToken(KEY, ['aliceCo/'], { expiresIn: -60 })))[1]).toMatch(
      /^Authentication failed: token is expired/,
    );
    expect((await message(await gatewayToken(KEY, ['aliceCo/'], { issuedAt: null })))[1]).toMatch(
      /^Authentication failed: Token has invalid issued at/,
    );
    expect(
      (
        await message(
          await gatewayToken(KEY, ['aliceCo/'], { issuedAt: Math.floor(Date.now() / 1000) + 600 }),
        )
      )[1],
    ).toMatch(/^Authentication failed:/);
    expect((await message(await gatewayToken(KEY, ['aliceCo/'], { alg: 'HS512' })))[1]).toBe(
      'Authentication failed: signing method HS512 is invalid',
    );
    expect(await message(null)).toEqual([500, 'Unauthenticated: No Authorization']);
    expect((await message(null, { authorization: `Basic ${token}` }))[1]).toMatch(
      /^Unauthenticated: Authentication type must be `Bearer`/,
    );
  });

  it('enforces the token prefixes on selectors and journal names', async () => {
    const list = await gatewayPost(dp.gatewayUrl, 'v1/journals/list', token, {
      selector: selector({ 'estuary.dev/collection': 'bobCo/secret/stuff' }),
    });
    expect(JSON.parse(list.text)).toMatchObject({
      message: expect.stringMatching(
        /^Unauthorized: unauthorized `estuary.dev\/collection` label: bobCo\/secret\/stuff was not found in claims=\[aliceCo\/\]/,
      ) as unknown,
    });
    const bare = await gatewayPost(dp.gatewayUrl, 'v1/shards/list', token, {
      selector: selector({ id: 'capture/aliceCo/hello/source/00000000-00000000' }),
    });
    expect((JSON.parse(bare.text) as { message: string }).message).toBe(
      'Unauthorized: No authorizing labels provided',
    );
    const read = await gatewayPost(dp.gatewayUrl, 'v1/journals/read', token, {
      journal: 'bobCo/secret/stuff/pivot=00',
      offset: 0,
    });
    expect(read.status).toBe(500);
    expect(JSON.parse(read.text)).toMatchObject({
      error: {
        message: expect.stringMatching(
          /^Unauthorized: bobCo\/secret\/stuff\/pivot=00 was not found/,
        ) as unknown,
      },
    });
    // Only what a token grants: bob's token cannot see alice's shards, and a grant does not leak across labels.
    const bob = await gatewayToken(KEY, ['bobCo/']);
    const mixed = await gatewayPost(dp.gatewayUrl, 'v1/shards/list', bob, {
      selector: selector({ 'estuary.dev/task-name': ['bobCo/x', 'aliceCo/hello/source'] }),
    });
    expect((JSON.parse(mixed.text) as { message: string }).message).toMatch(/^Unauthorized:/);
  });

  it('answers health checks, CORS pre-flights, and unsupported operations', async () => {
    const health = await fetch(`${dp.gatewayUrl}healthz`);
    expect(await health.text()).toBe('OK\n');
    const preflight = await fetch(`${dp.gatewayUrl}v1/shards/list`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:5433' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5433');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    const apply = await gatewayPost(dp.gatewayUrl, 'v1/shards/apply', token, {});
    expect((JSON.parse(apply.text) as { message: string }).message).toBe('Unsupported operation: `Apply`');
  });

  it('takes flags Go-style and from GATEWAY_ variables, refuses unknown flags, and exits when it cannot dial', async () => {
    const unknown = run(path.join(dp.binDir, 'data-plane-gateway'), ['--nope', 'x']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.stderr[0]).toBe('flag provided but not defined: -nope');
    const port = await freePort();
    const cors = run(
      path.join(dp.binDir, 'data-plane-gateway'),
      [
        `-port=${port}`,
        `--broker-address=127.0.0.1:${dp.broker}`,
        '-consumer-address',
        `127.0.0.1:${dp.consumer}`,
      ],
      { GATEWAY_CORS_ORIGIN: String.raw`^http://127\.0\.0\.1:5433$`, GATEWAY_VERIFICATION_KEY: 'other' },
    );
    try {
      await until('the second gateway', () => accepts(port));
      const allowed = await fetch(`http://127.0.0.1:${port}/healthz`, {
        headers: { origin: 'http://127.0.0.1:5433' },
      });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5433');
      const foreign = await fetch(`http://127.0.0.1:${port}/healthz`, {
        headers: { origin: 'https://evil.example' },
      });
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
      const withOther = await gatewayPost(
        `http://127.0.0.1:${port}/`,
        'v1/shards/list',
        await gatewayToken('other', ['aliceCo/']),
        {
          selector: selector({ 'estuary.dev/task-name': 'aliceCo/hello/source' }),
        },
      );
      expect(withOther.status).toBe(200);
    } finally {
      await cors.stop();
    }
    const badAddress = run(path.join(dp.binDir, 'data-plane-gateway'), [
      '--port',
      String(port),
      '--broker-address',
      'http://127.0.0.1:1',
    ]);
    expect(await badAddress.exited).toBe(1);
    expect(badAddress.stderr.join('\n')).toMatch(/Failed to connect to broker/);
  });
});
