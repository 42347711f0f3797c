import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestCluster, type TestCluster } from '../support/test-postgres.js';

describe('test cluster harness', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster();
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('creates isolated, bootstrapped databases that connect as the non-superuser postgres role', async () => {
    const a = await cluster.createDatabase({ migrations: false });
    const b = await cluster.createDatabase({ migrations: false });
    expect(a.name).not.toBe(b.name);
    const client = new pg.Client({ connectionString: a.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ user: string; su: boolean; uid: string | null }>(
        `select current_user as user, (select rolsuper from pg_roles where rolname = current_user) as su,
                auth.uid()::text as uid`,
      );
      expect(rows[0]).toEqual({ user: 'postgres', su: false, uid: null });
      await client.query('create table only_in_a (x int)');
    } finally {
      await client.end();
    }
    const other = new pg.Client({ connectionString: b.url });
    await other.connect();
    try {
      const { rows } = await other.query(`select to_regclass('public.only_in_a') as t`);
      expect(rows[0]).toEqual({ t: null });
    } finally {
      await other.end();
    }
    await a.drop();
    await b.drop();
  });
});
