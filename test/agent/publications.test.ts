import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Agent } from '../../agent/src/agent.js';
import { CONTROL_PLANE_ONLY } from '../../agent/src/handlers/publications/publications-handler.js';
import { startTestCluster, type TestCluster, type TestDatabase } from '../support/test-postgres.js';
import {
  keyedSchema,
  makeDraft,
  poolOf,
  publish,
  queuePublication,
  spec,
  startAgent,
  USERS,
  viewLogs,
  waitForJob,
} from './agent-harness.js';

describe('publications in control-plane-only mode (real Postgres)', () => {
  let cluster: TestCluster;
  let db: TestDatabase;
  let pool: pg.Pool;
  let agents: Agent[];

  beforeAll(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase();
    pool = poolOf(db.url);
    // Two agents: every test also exercises agents sharing the queue.
    agents = [await startAgent(db.url, { name: 'a1' }), await startAgent(db.url, { name: 'a2' })];
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await pool.end();
    await db.drop();
    await cluster.stop();
  });

  const live = async (name: string): Promise<Record<string, unknown> | undefined> =>
    (
      await pool.query(
        'select *, last_pub_id::text as pub, last_build_id::text as build from live_specs where catalog_name = $1',
        [name],
      )
    ).rows[0] as Record<string, unknown> | undefined;
  const errorsOf = async (draftId: string): Promise<{ scope: string; detail: string }[]> =>
    (
      await pool.query<{ scope: string; detail: string }>(
        'select scope, detail from draft_errors where draft_id = $1 order by detail',
        [draftId],
      )
    ).rows;

  it('publishes a capture with its collections: live specs, history, flows, draft deleted, logs', async () => {
    const result = await publish(pool, USERS.alice, [
      { name: 'aliceCo/hello/greetings', type: 'collection', spec: spec.collection() },
      { name: 'aliceCo/hello/source', type: 'capture', spec: spec.capture('aliceCo/hello/greetings') },
    ]);
    expect(result.job_status).toMatchObject({
      type: 'success',
      dryRun: false,
      changed: 2,
      dataPlane: { mode: 'skipped', reason: CONTROL_PLANE_ONLY },
    });
    const capture = await live('aliceCo/hello/source');
    expect(capture).toMatchObject({
      spec_type: 'capture',
      pub: result.id,
      build: result.id,
      writes_to: ['aliceCo/hello/greetings'],
      connector_image_name: 'ghcr.io/estuary/source-hello-world',
      connector_image_tag: ':v1',
    });
    const history = await pool.query('select count(*)::int as n from publication_specs where pub_id = $1', [
      result.id,
    ]);
    expect(history.rows[0]).toEqual({ n: 2 });
    const flows = await pool.query(
      `select s.catalog_name as source, t.catalog_name as target, f.flow_type from live_spec_flows f
       join live_specs s on s.id = f.source_id join live_specs t on t.id = f.target_id where s.catalog_name like 'aliceCo/hello/%'`,
    );
    expect(flows.rows).toEqual([
      { source: 'aliceCo/hello/source', target: 'aliceCo/hello/greetings', flow_type: 'capture' },
    ]);
    // The draft is gone once it has no specs left.
    expect((await pool.query('select 1 from drafts where id = $1', [result.draftId])).rowCount).toBe(0);
    const logs = await viewLogs(pool, result.logs_token);
    expect(logs.map((l) => l.log_line)).toContain(CONTROL_PLANE_ONLY);
    expect(logs.at(-1)?.log_line).toBe('finished with status success');
  });

  it('checks every transition and reports each error exactly', async () => {
    await publish(pool, USERS.alice, [
      {
        name: 'aliceCo/t/coll',
        type: 'collection',
        spec: spec.collection(['/id'], {
          schema: keyedSchema(['/id', '/p']),
          projections: { p: { location: '/p', partition: true } },
        }),
      },
      { name: 'aliceCo/t/gone', type: 'collection', spec: spec.collection() },
    ]);
    const deleted = await publish(pool, USERS.alice, [{ name: 'aliceCo/t/gone', type: null }]);
    expect(deleted.job_status.type).toBe('success');
    expect(await live('aliceCo/t/gone')).toMatchObject({ spec: null, spec_type: null });
    const coll = await live('aliceCo/t/coll');

    const cases: { specs: Parameters<typeof publish>[2]; user?: string; errors: string[] }[] = [
      {
        user: USERS.bob,
        specs: [{ name: 'aliceCo/t/bobs', type: 'collection', spec: spec.collection() }],
        errors: [
          'User is not authorized to change aliceCo/t/bobs: it needs the admin capability (it has none)',
        ],
      },
      {
        user: USERS.carol,
        specs: [{ name: 'aliceCo/t/carols', type: 'collection', spec: spec.collection() }],
        errors: [
          'User is not authorized to change aliceCo/t/carols: it needs the admin capability (it has read)',
        ],
      },
      {
        specs: [
          { name: 'aliceCo/t/mat', type: 'materialization', spec: spec.materialization('bobCo/private/x') },
        ],
        errors: [
          'Specification aliceCo/t/mat reads from bobCo/private/x, which no role grant of it allows to read (available grants: aliceCo/ → aliceCo/: write; aliceCo/ → bobCo/shared/: read; aliceCo/ → estuary/public/: read; aliceCo/ → ops/aliceCo/: read)',
          'collection bobCo/private/x, referenced by this materialization binding, is not readable by you: it needs the read capability (you have none)',
        ],
      },
      {
        specs: [{ name: 'aliceCo/t/cap', type: 'capture', spec: spec.capture('bobCo/shared/x') }],
        errors: [
          'Specification aliceCo/t/cap writes to bobCo/shared/x, which no role grant of it allows to write (available grants: aliceCo/ → aliceCo/: write; aliceCo/ → bobCo/shared/: read; aliceCo/ → estuary/public/: read; aliceCo/ → ops/aliceCo/: read)',
          'collection bobCo/shared/x, referenced by this capture binding, is not writable by you: it needs the write capability (you have read)',
        ],
      },
      {
        specs: [{ name: 'aliceCo/t/coll', type: 'capture', spec: spec.capture('aliceCo/t/coll') }],
        errors: [
          'Draft has an incompatible capture vs current collection specification for aliceCo/t/coll',
          'aliceCo/t/coll, referenced by this capture binding, is not a collection',
        ],
      },
      {
        specs: [
          {
            name: 'aliceCo/t/coll',
            type: 'collection',
            spec: spec.collection(),
            expectPubId: '00:00:00:00:00:00:00:00',
          },
        ],
        errors: [
          'Cannot change the partitions of an established collection from ["p"] to []',
          `Draft expects a last publication ID of 00:00:00:00:00:00:00:00, but it's now ${String(coll?.pub)}`,
        ],
      },
      {
        specs: [
          {
            name: 'aliceCo/t/new',
            type: 'collection',
            spec: spec.collection(),
            expectPubId: '01:02:03:04:05:06:07:08',
          },
        ],
        errors: [
          "Draft expects a last publication ID of 01:02:03:04:05:06:07:08, but it's now 00:00:00:00:00:00:00:00",
        ],
      },
      {
        specs: [
          {
            name: 'aliceCo/t/coll',
            type: 'collection',
            spec: spec.collection(['/other'], {
              schema: keyedSchema(['/other', '/p']),
              projections: { p: { location: '/p', partition: true } },
            }),
          },
        ],
        errors: ['Cannot change the key of an established collection from ["/id"] to ["/other"]'],
      },
      {
        specs: [{ name: 'aliceCo/t/gone', type: 'collection', spec: spec.collection() }],
        errors: ['Cannot re-create aliceCo/t/gone: a specification with this name existed and was deleted'],
      },
      {
        specs: [{ name: 'aliceCo/t/never', type: null }],
        errors: ['Cannot delete aliceCo/t/never: it does not exist'],
      },
      {
        specs: [{ name: 'aliceCo/t/bad', type: 'collection', spec: { schema: {}, key: ['/id'], extra: 1 } }],
        errors: ['Invalid collection specification aliceCo/t/bad: collection has unknown field(s) "extra"'],
      },
    ];
    for (const c of cases) {
      const result = await publish(pool, c.user ?? USERS.alice, c.specs);
      expect(result.job_status.type, JSON.stringify(c.specs)).toBe('buildFailed');
      expect((await errorsOf(result.draftId)).map((e) => e.detail)).toEqual([...c.errors].sort());
      // Nothing of a failed publication reaches the live catalog.
      expect(
        (await pool.query('select 1 from publication_specs where pub_id = $1', [result.id])).rowCount,
      ).toBe(0);
    }
    expect(await live('aliceCo/t/new')).toBeUndefined();
  });

  it('requires storage mappings for collections and task recovery logs', async () => {
    await pool.query(
      `insert into user_grants (user_id, object_role, capability) values ($1, 'zedCo/', 'admin')`,
      [USERS.alice],
    );
    await pool.query(
      `insert into role_grants (subject_role, object_role, capability) values ('zedCo/', 'zedCo/', 'write')`,
    );
    await pool.query(
      `insert into storage_mappings (catalog_prefix, spec) values ('zedCo/', '{"stores":[]}')`,
    );
    const result = await publish(pool, USERS.alice, [
      { name: 'zedCo/c', type: 'collection', spec: spec.collection() },
      { name: 'zedCo/d', type: 'collection', spec: spec.derivation('zedCo/c') },
    ]);
    expect(result.job_status).toMatchObject({
      type: 'buildFailed',
      error: 'missing or invalid storage mappings',
    });
    expect((await errorsOf(result.draftId)).map((e) => e.detail)).toEqual([
      'No storage mapping covers recovery/zedCo/d',
      'The storage mapping of zedCo/ is invalid: it must have a non-empty "stores" array',
      'The storage mapping of zedCo/ is invalid: it must have a non-empty "stores" array',
    ]);
  });

  it('resolves an expect_pub_id race between two drafts: exactly one wins', async () => {
    const first = await publish(pool, USERS.alice, [
      { name: 'aliceCo/race/c', type: 'collection', spec: spec.collection() },
    ]);
    const specs = [
      { name: 'aliceCo/race/c', type: 'collection' as const, spec: spec.collection(), expectPubId: first.id },
    ];
    const drafts = [await makeDraft(pool, USERS.alice, specs), await makeDraft(pool, USERS.alice, specs)];
    const ids = await Promise.all(drafts.map((d) => queuePublication(pool, USERS.alice, d)));
    const results = await Promise.all(ids.map((id) => waitForJob(pool, 'publications', id)));
    expect(results.map((r) => r.job_status.type).sort()).toEqual(['buildFailed', 'success']);
    const loser = results.findIndex((r) => r.job_status.type === 'buildFailed');
    expect((await errorsOf(drafts[loser]!)).map((e) => e.detail)).toEqual([
      `Draft expects a last publication ID of ${first.id}, but it's now ${ids[1 - loser]!}`,
    ]);
  });

  it('a dry run leaves no trace but its status', async () => {
    const before = await pool.query('select count(*)::int as n from live_specs');
    const result = await publish(
      pool,
      USERS.alice,
      [{ name: 'aliceCo/dry/c', type: 'collection', spec: spec.collection() }],
      true,
    );
    expect(result.job_status).toMatchObject({ type: 'success', dryRun: true });
    expect(await live('aliceCo/dry/c')).toBeUndefined();
    expect((await pool.query('select count(*)::int as n from live_specs')).rows).toEqual(before.rows);
    expect(
      (await pool.query('select count(*)::int as n from draft_specs where draft_id = $1', [result.draftId]))
        .rows,
    ).toEqual([{ n: 1 }]);
  });

  it('expands to connected specs and sets their last_build_id', async () => {
    const first = await publish(pool, USERS.alice, [
      { name: 'aliceCo/x/src', type: 'collection', spec: spec.collection() },
      { name: 'aliceCo/x/cap', type: 'capture', spec: spec.capture('aliceCo/x/src', 'aliceCo/x/other') },
      { name: 'aliceCo/x/other', type: 'collection', spec: spec.collection() },
      { name: 'aliceCo/x/der', type: 'collection', spec: spec.derivation('aliceCo/x/src') },
      { name: 'aliceCo/x/mat', type: 'materialization', spec: spec.materialization('aliceCo/x/der') },
      { name: 'aliceCo/x/test', type: 'test', spec: spec.test('aliceCo/x/src', 'aliceCo/x/der') },
      { name: 'aliceCo/x/unrelated', type: 'collection', spec: spec.collection() },
    ]);
    expect(first.job_status.type).toBe('success');
    const second = await publish(pool, USERS.alice, [
      {
        name: 'aliceCo/x/src',
        type: 'collection',
        spec: spec.collection(['/id'], { schema: keyedSchema(['/id'], { title: 'v2' }) }),
      },
    ]);
    // der (reads src), cap (writes src) and its other collection, test (ingests into src); not mat or unrelated.
    expect(second.job_status).toMatchObject({ type: 'success', changed: 1, expanded: 4 });
    const builds = await pool.query<{ catalog_name: string; build: string; pub: string }>(
      `select catalog_name, last_build_id::text as build, last_pub_id::text as pub from live_specs
       where catalog_name like 'aliceCo/x/%' order by catalog_name`,
    );
    const rebuilt = builds.rows.filter((r) => r.build === second.id).map((r) => r.catalog_name);
    expect(rebuilt).toEqual([
      'aliceCo/x/cap',
      'aliceCo/x/der',
      'aliceCo/x/other',
      'aliceCo/x/src',
      'aliceCo/x/test',
    ]);
    expect(builds.rows.filter((r) => r.pub === second.id).map((r) => r.catalog_name)).toEqual([
      'aliceCo/x/src',
    ]);
  });

  it('keeps waking on NOTIFY after its LISTEN connection is killed (reconnects)', async () => {
    const killed = await pool.query<{ ok: boolean }>(
      `select pg_terminate_backend(pid) as ok from pg_stat_activity
       where application_name = 'flow-agent-listener' and datname = current_database()`,
    );
    expect(killed.rows.length).toBe(2);
    await new Promise((r) => setTimeout(r, 1500));
    const listeners = await pool.query(
      `select 1 from pg_stat_activity where application_name = 'flow-agent-listener' and datname = current_database()`,
    );
    expect(listeners.rowCount).toBe(2);
    const result = await publish(pool, USERS.alice, [
      { name: 'aliceCo/relisten/c', type: 'collection', spec: spec.collection() },
    ]);
    expect(result.job_status.type).toBe('success');
  });
});
