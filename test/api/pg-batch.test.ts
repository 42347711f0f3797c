import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MAX_PREPARED, runBatch, type BatchStatement } from '../../main/supabase-api/rest/pg-batch.js';
import { startTestCluster, type TestCluster, type TestDatabase } from '../support/test-postgres.js';

const statement = (name: string, text: string, values: unknown[] = []): BatchStatement => ({
  name,
  text,
  values,
});

const BEGIN = statement('t_begin', 'BEGIN');
const COMMIT = statement('t_commit', 'COMMIT');

// The batch sends several prepared statements with a single Sync over a pipelining pg client, and keeps
// track of what is prepared on each connection, also after failures.
describe('runBatch (real Postgres, pipelining client)', () => {
  let cluster: TestCluster;
  let db: TestDatabase;
  let client: pg.Client;
  const prepared = async (): Promise<string[]> =>
    (await client.query<{ name: string }>('select name from pg_prepared_statements order by name')).rows.map(
      (r) => r.name,
    );
  beforeAll(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase({ migrations: false, seed: false });
    client = new pg.Client({ connectionString: db.adminUrl, pipeline: true });
    await client.connect();
    await client.query('create table items (id int primary key, label text)');
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
    await cluster?.stop();
  });

  it('runs the statements in order in one transaction and returns the asked row as text', async () => {
    const result = await runBatch(
      client,
      [
        BEGIN,
        statement('t_insert', 'insert into items values ($1, $2)', [1, 'one']),
        statement('t_read', "select count(*), string_agg(label, ','), null from items where id >= $1", [1]),
        COMMIT,
      ],
      2,
    );
    expect(result.row).toEqual(['1', 'one', null]);
    expect(await prepared()).toEqual(['t_begin', 't_commit', 't_insert', 't_read']);
    // Prepared once: the same names run again without a Parse (a second Parse would fail with 42P05).
    const again = await runBatch(
      client,
      [
        BEGIN,
        statement('t_read', "select count(*), string_agg(label, ','), null from items where id >= $1", [2]),
        COMMIT,
      ],
      1,
    );
    expect(again.row).toEqual(['0', null, null]);
  });

  it('skips the rest after a failure, leaves the transaction aborted, and re-prepares what it parsed', async () => {
    const failing = runBatch(
      client,
      [
        BEGIN,
        statement('t_insert2', 'insert into items values ($1, $2)', [2, 'two']),
        statement('t_dup', 'insert into items values ($1, $2)', [1, 'dup']),
        COMMIT,
      ],
      2,
    );
    await expect(failing).rejects.toMatchObject({ code: '23505' });
    // The transaction is left aborted (the client's own status flag may lag: the batch answers at the
    // server's error, the ReadyForQuery that updates the flag can come in a later packet on a busy machine).
    await expect(client.query('select 1')).rejects.toMatchObject({ code: '25P02' });
    expect(client.getTransactionStatus()).toBe('E');
    await client.query('ROLLBACK');
    // Neither insert was committed.
    expect((await client.query('select count(*)::int as n from items')).rows[0]).toEqual({ n: 1 });
    // A statement that fails to parse, after one that parsed: the next batch closes and parses both again.
    await expect(
      runBatch(client, [statement('t_ok', 'select 1'), statement('t_bad', 'select from nowhere_at_all')], 0),
    ).rejects.toMatchObject({ code: '42P01' });
    const next = await runBatch(
      client,
      [
        statement('t_ok', 'select 1'),
        statement('t_insert2', 'insert into items values ($1, $2)', [2, 'two']),
      ],
      0,
    );
    expect(next.row).toEqual(['1']);
    const names = await prepared();
    expect(names).toContain('t_insert2');
    expect(names).toContain('t_ok');
    expect(names).not.toContain('t_bad');
  });

  it('keeps at most MAX_PREPARED statements prepared on a connection, closing the least recently used', async () => {
    for (let i = 0; i < MAX_PREPARED + 30; i++) {
      const { row } = await runBatch(client, [statement(`t_many_${i}`, `select ${i}`)], 0);
      expect(row).toEqual([String(i)]);
    }
    const names = await prepared();
    expect(names.length).toBeLessThanOrEqual(MAX_PREPARED);
    expect(names).toContain(`t_many_${MAX_PREPARED + 29}`);
    expect(names).not.toContain('t_many_0');
  });

  it('closes what a connection prepared under another epoch', async () => {
    const before = {};
    await runBatch(client, [statement('t_epoch_a', 'select 1')], 0, before);
    expect(await prepared()).toContain('t_epoch_a');
    await runBatch(client, [statement('t_epoch_b', 'select 2')], 0, {});
    expect(await prepared()).toEqual(['t_epoch_b']);
  });
});
