// The agent activating into a data plane that is still starting: a stack starts its agents and its data plane
// side by side, so an activation waits (bounded) for the data plane rather than failing the publication.
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';

import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { freePort } from '../support/free-port.js';
import { startTestCluster, type TestCluster, type TestDatabase } from '../support/test-postgres.js';
import { poolOf, publish, spec, startAgent, USERS, viewLogs } from '../agent/agent-harness.js';
import { accepts, doublesBinDir, run, type Running, until } from './doubles-harness.js';

describe('agent activation into a starting data plane (real Postgres, doubles)', () => {
  let cluster: TestCluster;
  let db: TestDatabase;
  let pool: pg.Pool;
  let binDir: string;
  let tmp: string;
  let dataPlane: Running | null = null;

  beforeAll(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase();
    pool = poolOf(db.url);
    binDir = doublesBinDir(undefined, { delayMs: { listen: 1000 } });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'flow-dp-agent-'));
  });
  afterAll(async () => {
    await dataPlane?.stop();
    await pool.end();
    await db.drop();
    await cluster.stop();
    rmSync(binDir, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  });

  it('waits for the data plane, then copies the build into its builds root and activates it', async () => {
    const broker = await freePort();
    const consumer = await freePort();
    const agent = await startAgent(db.url, {
      binDir,
      brokerAddress: `http://127.0.0.1:${broker}`,
      consumerAddress: `http://127.0.0.1:${consumer}`,
      dataPlaneWaitMs: 15_000,
    });
    try {
      const published = publish(pool, USERS.alice, [
        { name: 'aliceCo/wait/greetings', type: 'collection', spec: spec.collection() },
        { name: 'aliceCo/wait/hello', type: 'capture', spec: spec.capture('aliceCo/wait/greetings') },
      ]);
      // The data plane comes up only once the agent says it waits for it. Starting it on a guess raced the agent's
      // build against the double's listen delay: on a busy machine the build outlasted it and nothing waited.
      const waitingLine = `waiting for the data plane (the data plane at http://127.0.0.1:${consumer} is unreachable`;
      await until('the agent to wait for the data plane', async () => {
        // Alice's publication only: the seeded ops onboarding queues a publication of its own, which waits too.
        const { rows } = await pool.query<{ logs_token: string }>(
          'select logs_token::text from publications where user_id = $1',
          [USERS.alice],
        );
        const token = rows[0]?.logs_token;
        return (
          token !== undefined && (await viewLogs(pool, token)).some((l) => l.log_line.startsWith(waitingLine))
        );
      });
      expect(await accepts(consumer)).toBe(false);
      dataPlane = run(
        path.join(binDir, 'flowctl-go'),
        ['temp-data-plane', '--broker-port', String(broker), '--consumer-port', String(consumer)],
        { TMPDIR: tmp },
      );
      const result = await published;
      expect(result.job_status).toMatchObject({
        type: 'success',
        dataPlane: { steps: ['build', 'activate'] },
      });
      const logs = await viewLogs(pool, result.logs_token);
      expect(logs.some((l) => l.log_line.startsWith(waitingLine))).toBe(true);
      expect(
        logs.some((l) => /^build .* copied into the data plane's builds root file:\/\//.test(l.log_line)),
      ).toBe(true);
      const shards = (await (
        await fetch(`http://127.0.0.1:${consumer}/protocol.Shard/List`, {
          method: 'POST',
          body: JSON.stringify({
            selector: {
              include: { labels: [{ name: 'estuary.dev/task-name', value: 'aliceCo/wait/hello' }] },
            },
          }),
        })
      ).json()) as { shards: { spec: { id: string }; status: { code: string }[] }[] };
      expect(shards.shards.map((s) => [s.spec.id, s.status[0]?.code])).toEqual([
        ['capture/aliceCo/wait/hello/00000000-00000000', 'PRIMARY'],
      ]);
    } finally {
      await agent.stop();
    }
  });
});
