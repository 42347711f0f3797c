import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestCluster, type TestCluster, type TestDatabase } from '../../test/support/test-postgres.js';
import { ControlRequestError } from '../control/control-server.js';
import { retryConnectorTag } from './connector-tags.js';

/** Re-queuing a connector tag against the real migrated schema (no agent runs: queued rows stay queued). */
describe('retryConnectorTag', () => {
  let cluster: TestCluster;
  let db: TestDatabase;
  let pool: pg.Pool;
  let tagId = '';

  const refusal = async (promise: Promise<unknown>): Promise<{ status: number; code: string }> => {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ControlRequestError);
    const { status, code } = error as ControlRequestError;
    return { status, code };
  };

  beforeAll(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 3 });
    const { rows } = await pool.query<{ id: string }>(
      `select t.id::text from connector_tags t join connectors c on c.id = t.connector_id
        where c.image_name = 'ghcr.io/estuary/source-hello-world'`,
    );
    tagId = rows[0]!.id;
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
    await cluster?.stop();
  });

  it('refuses a tag that is queued already, and ids that are not tags', async () => {
    expect(await refusal(retryConnectorTag(db.url, tagId))).toEqual({ status: 409, code: 'already_queued' });
    expect(await refusal(retryConnectorTag(db.url, 'ff:ff:ff:ff:ff:ff:ff:f0'))).toEqual({
      status: 404,
      code: 'no_connector_tag',
    });
    for (const bad of ["1' or true --", '', 42, null])
      expect(await refusal(retryConnectorTag(db.url, bad))).toEqual({ status: 400, code: 'bad_request' });
  });

  it('queues a failed tag again with a new logs token, and the agents are notified', async () => {
    const failed = { type: 'pullFailed', error: 'manifest unknown' };
    const before = await pool.query<{ logs_token: string }>(
      `update connector_tags set job_status = $2 where id = $1::flowid returning logs_token::text`,
      [tagId, JSON.stringify(failed)],
    );
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    const notified: string[] = [];
    listener.on('notification', (n) => notified.push(`${n.channel} ${n.payload ?? ''}`));
    await listener.query('listen connector_tags');
    try {
      const retry = await retryConnectorTag(db.url, tagId);
      expect(retry).toMatchObject({ tagId, jobStatus: { type: 'queued' }, previous: failed });
      expect(retry.logsToken).not.toBe(before.rows[0]!.logs_token);
      const after = await pool.query<{ job_status: unknown; logs_token: string }>(
        'select job_status, logs_token::text from connector_tags where id = $1::flowid',
        [tagId],
      );
      expect(after.rows[0]).toEqual({ job_status: { type: 'queued' }, logs_token: retry.logsToken });
      await expect.poll(() => notified).toEqual([`connector_tags ${tagId}`]);
    } finally {
      await listener.end();
    }
  });

  it('answers instead of waiting while an agent holds the tag (its job runs)', async () => {
    await pool.query(
      `update connector_tags set job_status = '{"type":"specFailed","error":"x"}' where id = $1::flowid`,
      [tagId],
    );
    const agent = await pool.connect();
    try {
      await agent.query('begin');
      await agent.query('select id from connector_tags where id = $1::flowid for update', [tagId]);
      expect(await refusal(retryConnectorTag(db.url, tagId))).toEqual({
        status: 409,
        code: 'already_queued',
      });
    } finally {
      await agent.query('rollback');
      agent.release();
    }
    // Once the agent let go, the retry goes through.
    expect((await retryConnectorTag(db.url, tagId)).jobStatus).toEqual({ type: 'queued' });
  });
});
