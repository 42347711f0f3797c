import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Agent } from '../../agent/src/agent.js';
import { startTestCluster, type TestCluster, type TestDatabase } from '../support/test-postgres.js';
import { poolOf, startAgent, USERS, viewLogs, waitForJob } from './agent-harness.js';

describe('directives (real Postgres)', () => {
  let cluster: TestCluster;
  let db: TestDatabase;
  let pool: pg.Pool;
  let agent: Agent;

  beforeAll(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase();
    pool = poolOf(db.url);
    agent = await startAgent(db.url);
  });
  afterAll(async () => {
    await agent.stop();
    await pool.end();
    await db.drop();
    await cluster.stop();
  });

  const directive = async (prefix: string, spec: object): Promise<string> =>
    (
      await pool.query<{ id: string }>(
        'insert into directives (catalog_prefix, spec) values ($1, $2) returning id::text',
        [prefix, spec],
      )
    ).rows[0]!.id;
  const applyDirective = async (directiveId: string, userId: string, claims: object) => {
    const { rows } = await pool.query<{ id: string }>(
      'insert into applied_directives (directive_id, user_id, user_claims) values ($1, $2, $3) returning id::text',
      [directiveId, userId, claims],
    );
    return waitForJob(pool, 'applied_directives', rows[0]!.id);
  };
  const seeded = async (type: string): Promise<string> =>
    (await pool.query<{ id: string }>(`select id::text from directives where spec->>'type' = $1`, [type]))
      .rows[0]!.id;

  it('onboards the seeded ops tenant and publishes its template', async () => {
    const { rows } = await pool.query<{ id: string }>(
      `select id::text from applied_directives where user_id = $1`,
      [USERS.accounts],
    );
    const result = await waitForJob(pool, 'applied_directives', rows[0]!.id);
    expect(result.job_status).toEqual({ type: 'success' });
    expect((await pool.query(`select tenant from tenants where tenant = 'ops/'`)).rowCount).toBe(1);
    const pub = await pool.query<{ id: string }>(`select id::text from publications where user_id = $1`, [
      USERS.accounts,
    ]);
    const published = await waitForJob(pool, 'publications', pub.rows[0]!.id);
    expect(published.job_status).toMatchObject({ type: 'success', changed: 5 });
    const names = await pool.query<{ catalog_name: string }>(
      `select catalog_name from live_specs where catalog_name like 'ops/ops/%' and spec is not null order by 1`,
    );
    expect(names.rows.map((r) => r.catalog_name)).toEqual([
      'ops/ops/logs',
      'ops/ops/stats',
      'ops/ops/stats-by-hour',
      'ops/ops/stats-by-hour-view',
      'ops/ops/tests/stats-by-hour',
    ]);
    expect(
      (await pool.query(`select to_regclass('task_stat_partitions.ops_stats') is not null as ok`)).rows,
    ).toEqual([{ ok: true }]);
    const logs = await viewLogs(pool, result.logs_token);
    expect(logs.some((l) => l.log_line.startsWith('provisioned tenant ops/'))).toBe(true);
  });

  it('betaOnboard: a second tenant, then the checks on user and name', async () => {
    const onboard = await seeded('betaOnboard');
    expect((await applyDirective(onboard, USERS.carol, { requestedTenant: 'carolCo' })).job_status).toEqual({
      type: 'success',
    });
    const grants = await pool.query(
      `select object_role, capability::text from user_grants where user_id = $1 order by 1`,
      [USERS.carol],
    );
    expect(grants.rows).toContainEqual({ object_role: 'carolCo/', capability: 'admin' });
    const roles = await pool.query(
      `select object_role, capability::text from role_grants where subject_role = 'carolCo/' order by 1`,
    );
    expect(roles.rows).toEqual([
      { object_role: 'carolCo/', capability: 'write' },
      { object_role: 'estuary/public/', capability: 'read' },
      { object_role: 'ops/carolCo/', capability: 'read' },
    ]);
    const mappings = await pool.query(
      `select catalog_prefix from storage_mappings where catalog_prefix like '%carolCo/' order by 1`,
    );
    expect(mappings.rows.map((r: { catalog_prefix: string }) => r.catalog_prefix)).toEqual([
      'carolCo/',
      'recovery/carolCo/',
    ]);
    const pub = await pool.query<{ id: string }>(
      `select id::text from publications where detail = 'onboarding of carolCo/'`,
    );
    expect((await waitForJob(pool, 'publications', pub.rows[0]!.id)).job_status.type).toBe('success');

    expect((await applyDirective(onboard, USERS.carol, { requestedTenant: 'carolToo' })).job_status).toEqual({
      type: 'invalidClaims',
      error: 'Cannot provision a new tenant because the user already administers tenant carolCo/',
    });
    expect((await applyDirective(onboard, USERS.bob, { requestedTenant: 'ALICECO' })).job_status).toEqual({
      type: 'invalidClaims',
      error: 'Cannot provision a new tenant because the user already administers tenant bobCo/',
    });
    await pool.query(`delete from user_grants where user_id = $1 and object_role = 'bobCo/'`, [USERS.bob]);
    expect((await applyDirective(onboard, USERS.bob, { requestedTenant: 'ALICECO' })).job_status).toEqual({
      type: 'invalidClaims',
      error: 'requested tenant ALICECO is not available',
    });
    expect((await applyDirective(onboard, USERS.bob, { requestedTenant: 'a/b' })).job_status).toEqual({
      type: 'invalidClaims',
      error: 'requestedTenant must be a single catalog name component, not "a/b"',
    });
    expect((await applyDirective(onboard, USERS.bob, { requestedTenant: 'x', more: 1 })).job_status).toEqual({
      type: 'invalidClaims',
      error: 'the claims has unknown field(s): more',
    });
  });

  it('clickToAccept: claims need a version; the directive must be under ops/', async () => {
    const accept = await seeded('clickToAccept');
    expect((await applyDirective(accept, USERS.alice, { version: 'v2' })).job_status).toEqual({
      type: 'success',
    });
    expect((await applyDirective(accept, USERS.alice, { version: '' })).job_status).toEqual({
      type: 'invalidClaims',
      error: 'version must be a non-empty string',
    });
    expect((await applyDirective(accept, USERS.alice, {})).job_status.type).toBe('invalidClaims');
    const elsewhere = await directive('aliceCo/', { type: 'clickToAccept' });
    expect((await applyDirective(elsewhere, USERS.alice, { version: 'v2' })).job_status).toEqual({
      type: 'invalidDirective',
      error: 'a clickToAccept directive must be under ops/, not aliceCo/',
    });
    const extra = await directive('ops/', { type: 'clickToAccept', extra: true });
    expect((await applyDirective(extra, USERS.alice, { version: 'v2' })).job_status).toEqual({
      type: 'invalidDirective',
      error: 'the clickToAccept directive has unknown field(s): extra',
    });
    const unknown = await directive('ops/', { type: 'launchRockets' });
    expect((await applyDirective(unknown, USERS.alice, {})).job_status).toEqual({
      type: 'invalidDirective',
      error: 'unknown directive type "launchRockets"',
    });
  });

  it('grant: upserts a user grant within the granted prefix, never lowering it', async () => {
    const grant = await directive('aliceCo/', {
      type: 'grant',
      grantedPrefix: 'aliceCo/shared/',
      capability: 'write',
    });
    expect((await applyDirective(grant, USERS.bob, {})).job_status).toEqual({ type: 'success' });
    expect(
      (await applyDirective(grant, USERS.bob, { requestedPrefix: 'aliceCo/shared/sub/' })).job_status,
    ).toEqual({ type: 'success' });
    const capOf = async (role: string): Promise<{ capability: string } | undefined> =>
      (
        await pool.query<{ capability: string }>(
          `select capability::text from user_grants where user_id = $1 and object_role = $2`,
          [USERS.bob, role],
        )
      ).rows[0];
    expect(await capOf('aliceCo/shared/')).toEqual({ capability: 'write' });
    expect(await capOf('aliceCo/shared/sub/')).toEqual({ capability: 'write' });

    await pool.query(
      `update user_grants set capability = 'admin' where user_id = $1 and object_role = 'aliceCo/shared/'`,
      [USERS.bob],
    );
    expect((await applyDirective(grant, USERS.bob, {})).job_status).toEqual({ type: 'success' });
    expect(await capOf('aliceCo/shared/')).toEqual({ capability: 'admin' });

    expect((await applyDirective(grant, USERS.bob, { requestedPrefix: 'aliceCo/' })).job_status).toEqual({
      type: 'invalidClaims',
      error: 'requestedPrefix aliceCo/ is not within the granted prefix aliceCo/shared/',
    });
    expect((await applyDirective(grant, USERS.bob, { requestedPrefix: 'no-slash' })).job_status.type).toBe(
      'invalidClaims',
    );
    const outside = await directive('aliceCo/', {
      type: 'grant',
      grantedPrefix: 'bobCo/',
      capability: 'read',
    });
    expect((await applyDirective(outside, USERS.bob, {})).job_status).toEqual({
      type: 'invalidDirective',
      error: "grantedPrefix bobCo/ is not within the directive's prefix aliceCo/",
    });
    const badCap = await directive('aliceCo/', {
      type: 'grant',
      grantedPrefix: 'aliceCo/',
      capability: 'owner',
    });
    expect((await applyDirective(badCap, USERS.bob, {})).job_status).toEqual({
      type: 'invalidDirective',
      error: 'capability must be read, write or admin, not "owner"',
    });
  });
});
