// Flow Desktop's catalog checks in the agent, on real Postgres: every rule refused in a dry run with its scope and
// Flow's message, with and without Flow binaries (the flowctl-go double is never reached when a check fails), a
// deletion blocked and then allowed when its dependents go in the same publication, and a status that says
// which checks ran.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Agent } from '../../agent/src/agent.js';
import { NOT_BUILT } from '../../agent/src/handlers/publications/publications-handler.js';
import { MAX_NAME_LENGTH } from '../../shared/catalog/catalog-names.js';
import { startTestCluster, type TestCluster } from '../support/test-postgres.js';
import {
  flowBinDir,
  keyedSchema,
  poolOf,
  publish,
  spec,
  type SpecInput,
  startAgent,
  USERS,
} from './agent-harness.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(async () => {
  await cluster.stop();
});

describe.each([
  { mode: 'control-plane-only', withFlow: false },
  { mode: 'with the flowctl-go double', withFlow: true },
])('catalog checks of publications ($mode)', ({ withFlow }) => {
  let pool: pg.Pool;
  let agent: Agent;
  let drop: () => Promise<void>;
  let binDir: string | null = null;
  let url: string;

  beforeAll(async () => {
    const db = await cluster.createDatabase();
    drop = () => db.drop();
    url = db.url;
    pool = poolOf(db.url);
    binDir = withFlow ? flowBinDir() : null;
    agent = await startAgent(db.url, { binDir });
  });
  afterAll(async () => {
    await agent.stop();
    await pool.end();
    await drop();
    if (binDir) rmSync(binDir, { recursive: true, force: true });
  });

  /** The flowctl-go invocations of a publication (none when the checks stopped it). */
  const flowCalls = (pubId: string): string[] =>
    binDir && existsSync(path.join(binDir, 'calls.jsonl'))
      ? readFileSync(path.join(binDir, 'calls.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { argv: string[] }).argv)
          .filter((argv) => argv.includes(pubId))
          .map((argv) => argv.slice(0, 2).join(' '))
      : [];
  /** Publishes for real in control-plane-only mode (there is no data plane to activate into here). */
  const publishLive = async (specs: readonly SpecInput[]): Promise<string> => {
    await agent.stop();
    const plain = await startAgent(url);
    try {
      return (await publish(pool, USERS.alice, specs)).job_status.type;
    } finally {
      await plain.stop();
      agent = await startAgent(url, { binDir });
    }
  };
  const errorsOf = async (draftId: string): Promise<string[]> =>
    (
      await pool.query<{ scope: string; detail: string }>(
        'select scope, detail from draft_errors where draft_id = $1 order by scope, detail',
        [draftId],
      )
    ).rows.map((r) => `${r.scope}: ${r.detail}`);

  /** A dry run that the checks refuse: its draft errors, after checking that Flow was never asked. */
  const refused = async (specs: readonly SpecInput[]): Promise<string[]> => {
    const result = await publish(pool, USERS.alice, specs, true);
    expect(result.job_status).toMatchObject({
      type: 'buildFailed',
      checks: { catalog: 'failed', build: 'skipped' },
      dataPlane: { steps: [] },
    });
    expect(flowCalls(result.id)).toEqual([]);
    return errorsOf(result.draftId);
  };

  it('refuses a key that is not in the schema, at the key, in Flow words', async () => {
    expect(
      await refused([
        { name: 'aliceCo/k/c', type: 'collection', spec: { schema: { type: 'object' }, key: ['/nope'] } },
      ]),
    ).toEqual([
      'aliceCo/k/c#/key/0: location /nope is unknown in schema aliceCo/k/c#/schema (https://go.estuary.dev/rdCMNB)',
    ]);
    expect(
      await refused([
        {
          name: 'aliceCo/k/d',
          type: 'collection',
          spec: { schema: keyedSchema(['/id'], { properties: { id: { type: 'number' } } }), key: ['/id'] },
        },
      ]),
    ).toEqual([
      'aliceCo/k/d#/key/0: location /id accepts "number" in schema aliceCo/k/d#/schema, but "fractional" is disallowed in locations used as keys (https://go.estuary.dev/CigSvN)',
    ]);
  });

  it('refuses partitions that are not required scalars', async () => {
    expect(
      await refused([
        {
          name: 'aliceCo/p/c',
          type: 'collection',
          spec: spec.collection(['/id'], {
            schema: keyedSchema(['/id'], {
              properties: { id: { type: 'integer' }, tags: { type: 'array' } },
            }),
            projections: { tags: { location: '/tags', partition: true } },
          }),
        },
      ]),
    ).toEqual([
      'aliceCo/p/c#/projections/tags: keyed location /tags must be required to exist by schema aliceCo/p/c#/schema (https://go.estuary.dev/KUYbal)',
      'aliceCo/p/c#/projections/tags: location /tags accepts "array" in schema aliceCo/p/c#/schema, but "array" is disallowed in locations used as keys (https://go.estuary.dev/CigSvN)',
    ]);
  });

  it('refuses bindings to collections that do not exist, that targets may not write or sources may not read', async () => {
    expect(
      await refused([
        { name: 'aliceCo/b/greetings', type: 'collection', spec: spec.collection() },
        {
          name: 'aliceCo/b/cap',
          type: 'capture',
          spec: spec.capture('aliceCo/b/greeting', 'aliceCo/b/nothing/at/all'),
        },
      ]),
    ).toEqual([
      'aliceCo/b/cap#/bindings/0/target: collection aliceCo/b/greeting, referenced by this capture binding, is not defined; did you mean aliceCo/b/greetings?',
      'aliceCo/b/cap#/bindings/1/target: collection aliceCo/b/nothing/at/all, referenced by this capture binding, is not defined',
    ]);
    expect(
      await refused([
        { name: 'aliceCo/b/mat', type: 'materialization', spec: spec.materialization('bobCo/private/x') },
      ]),
    ).toEqual([
      'aliceCo/b/mat: Specification aliceCo/b/mat reads from bobCo/private/x, which no role grant of it allows to read (available grants: aliceCo/ → aliceCo/: write; aliceCo/ → bobCo/shared/: read; aliceCo/ → estuary/public/: read; aliceCo/ → ops/aliceCo/: read)',
      'aliceCo/b/mat#/bindings/0/source: collection bobCo/private/x, referenced by this materialization binding, is not readable by you: it needs the read capability (you have none)',
    ]);
    // Alice may read bobCo/shared/ but not write into it: a capture target needs write.
    expect(
      await refused([{ name: 'aliceCo/b/cap2', type: 'capture', spec: spec.capture('bobCo/shared/x') }]),
    ).toEqual([
      'aliceCo/b/cap2: Specification aliceCo/b/cap2 writes to bobCo/shared/x, which no role grant of it allows to write (available grants: aliceCo/ → aliceCo/: write; aliceCo/ → bobCo/shared/: read; aliceCo/ → estuary/public/: read; aliceCo/ → ops/aliceCo/: read)',
      'aliceCo/b/cap2#/bindings/0/target: collection bobCo/shared/x, referenced by this capture binding, is not writable by you: it needs the write capability (you have read)',
    ]);
    expect(
      await refused([
        { name: 'aliceCo/b/t', type: 'test', spec: spec.test('aliceCo/b/ghost', 'aliceCo/b/ghost') },
        { name: 'aliceCo/b/d', type: 'collection', spec: spec.derivation('aliceCo/b/ghost') },
      ]),
    ).toEqual([
      'aliceCo/b/d#/derivation/transform/t0/source/name: collection aliceCo/b/ghost, referenced by transform t0, is not defined',
      'aliceCo/b/t#/0/ingest/collection: collection aliceCo/b/ghost, referenced by this test step, is not defined',
      'aliceCo/b/t#/1/verify/collection: collection aliceCo/b/ghost, referenced by this test step, is not defined',
    ]);
  });

  it("refuses schemas that do not compile and names longer than Flow's limit", async () => {
    const long = `aliceCo/${'n'.repeat(MAX_NAME_LENGTH.collection)}`;
    expect(
      await refused([
        {
          name: 'aliceCo/s/c',
          type: 'collection',
          spec: { schema: keyedSchema(['/id'], { properties: { id: { type: 'integr' } } }), key: ['/id'] },
        },
        { name: long, type: 'collection', spec: spec.collection() },
        // Valid by the meta-schema (unknown keywords are allowed there), refused by Flow's schema builder.
        {
          name: 'aliceCo/s/t',
          type: 'collection',
          spec: { schema: keyedSchema(['/id'], { properties: { id: { tyep: 'integer' } } }), key: ['/id'] },
        },
      ]),
    ).toEqual([
      `${long}: collection name is ${long.length} bytes long (UTF-8), but may be at most ${MAX_NAME_LENGTH.collection}: Flow's journal and shard names made from it must fit Gazette's limit of 512 bytes`,
      'aliceCo/s/c#/schema/properties/id/type: the schema of aliceCo/s/c is not a valid JSON schema (draft 2020-12): /properties/id/type must be one of "array", "boolean", "integer", "null", "number", "object", "string"',
      'aliceCo/s/t#/schema/properties/id/tyep: the schema of aliceCo/s/t is refused by Flow: unexpected keyword "tyep" (at /properties/id)',
    ]);
  });

  it('refuses verified documents out of key order, a bad selector value and misaligned shuffles', async () => {
    const keyed = (name: string, key: string, type: string): SpecInput => ({
      name,
      type: 'collection',
      spec: {
        schema: { type: 'object', properties: { [key.slice(1)]: { type } }, required: [key.slice(1)] },
        key: [key],
        projections: { [key.slice(1)]: { location: key, partition: true } },
      },
    });
    expect(
      await refused([
        keyed('aliceCo/o/ints', '/id', 'integer'),
        keyed('aliceCo/o/strs', '/s', 'string'),
        {
          name: 'aliceCo/o/t',
          type: 'test',
          spec: [
            { ingest: { collection: 'aliceCo/o/ints', documents: [{ id: 2 }, { id: 1 }] } },
            {
              verify: {
                collection: 'aliceCo/o/ints',
                documents: [{ id: 2 }, { id: 1 }],
                partitions: { include: { id: [''] } },
              },
            },
          ],
        },
        {
          name: 'aliceCo/o/der',
          type: 'collection',
          spec: {
            ...spec.derivation(),
            derivation: {
              typescript: { module: 'export class Derivation {}' },
              transform: {
                a: { source: { name: 'aliceCo/o/ints' }, update: { lambda: 'typescript' } },
                b: { source: { name: 'aliceCo/o/strs' }, update: { lambda: 'typescript' } },
              },
            },
          },
        },
      ]),
    ).toEqual([
      'aliceCo/o/der#/derivation/transform/a: transform a shuffled key types ["integer"] don\'t align with transform b types ["string"]',
      'aliceCo/o/t#/1/verify/documents: documents to verify are not in collection key order',
      'aliceCo/o/t#/1/verify/partitions/include/id/0: include partition selector field id cannot be an empty string',
      'aliceCo/o/t#/1/verify/partitions/include/id/0: include partition selector field id value "" is incompatible with the projections type, "integer"',
    ]);
  });

  it('blocks deleting a collection that live specs use, then allows it when they go in the same publication', async () => {
    const published = await publishLive([
      { name: 'aliceCo/del/src', type: 'collection', spec: spec.collection() },
      { name: 'aliceCo/del/other', type: 'collection', spec: spec.collection() },
      { name: 'aliceCo/del/cap', type: 'capture', spec: spec.capture('aliceCo/del/src') },
      { name: 'aliceCo/del/mat', type: 'materialization', spec: spec.materialization('aliceCo/del/src') },
    ]);
    expect(published).toBe('success');

    expect(await refused([{ name: 'aliceCo/del/src', type: null }])).toEqual([
      'aliceCo/del/src: Cannot delete aliceCo/del/src: capture aliceCo/del/cap writes into it, materialization aliceCo/del/mat reads from it; delete them, or change them to no longer use it, in the same publication',
    ]);
    // Changing a dependent but still reading the deleted collection is refused at the binding.
    expect(
      await refused([
        { name: 'aliceCo/del/src', type: null },
        { name: 'aliceCo/del/cap', type: null },
        { name: 'aliceCo/del/mat', type: 'materialization', spec: spec.materialization('aliceCo/del/src') },
      ]),
    ).toEqual([
      'aliceCo/del/mat#/bindings/0/source: collection aliceCo/del/src, referenced by this materialization binding, is deleted by this publication',
    ]);
    // Deleting the capture and moving the materialization to another collection: allowed.
    const allowed = await publish(
      pool,
      USERS.alice,
      [
        { name: 'aliceCo/del/src', type: null },
        { name: 'aliceCo/del/cap', type: null },
        { name: 'aliceCo/del/mat', type: 'materialization', spec: spec.materialization('aliceCo/del/other') },
      ],
      true,
    );
    expect(allowed.job_status).toMatchObject({
      type: 'success',
      dryRun: true,
      checks: { catalog: 'passed' },
    });
    expect(await errorsOf(allowed.draftId)).toEqual([]);
  });

  it('says which checks ran: a success without a Flow build is a warning', async () => {
    const result = await publish(
      pool,
      USERS.alice,
      [{ name: 'aliceCo/ok/c', type: 'collection', spec: spec.collection() }],
      true,
    );
    if (withFlow) {
      expect(result.job_status).toMatchObject({
        type: 'success',
        checks: { catalog: 'passed', build: 'passed', summary: 'checked by Flow Desktop; built by Flow' },
      });
      expect(result.job_status.warning).toBeUndefined();
      expect(flowCalls(result.id)).toEqual(['api build']);
    } else {
      expect(result.job_status).toMatchObject({
        type: 'success',
        checks: { catalog: 'passed', build: 'skipped', summary: NOT_BUILT },
        warning: 'checked by Flow Desktop; not built (flowctl-go not found)',
      });
    }
  });
});
