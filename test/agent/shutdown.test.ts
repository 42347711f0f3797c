// Graceful shutdown: a running job finishes (or, past the bound, is abandoned: rolled back and queued again, its
// child processes killed); the process exits 0 on SIGTERM.
import { rmSync } from 'node:fs';

import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Agent } from '../../agent/src/agent.js';
import { defaultConfig } from '../../agent/src/config.js';
import { startTestCluster, type TestCluster, type TestDatabase } from '../support/test-postgres.js';
import {
  flowBinDir,
  makeDraft,
  poolOf,
  queuePublication,
  spec,
  startAgent,
  USERS,
  waitForJob,
  spawnAgentProcess,
} from './agent-harness.js';

describe('agent shutdown (real Postgres)', () => {
  let cluster: TestCluster;
  let db: TestDatabase;
  let pool: pg.Pool;
  const binDirs: string[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase({ seed: true });
    pool = poolOf(db.url);
    // Drain the seed's queued work (the ops onboarding and its publication) so that the slow agents below only
    // ever see the jobs of these tests.
    const drain = await startAgent(db.url);
    const applied = await pool.query<{ id: string }>(`select id::text from applied_directives`);
    await waitForJob(pool, 'applied_directives', applied.rows[0]!.id);
    const onboarding = await pool.query<{ id: string }>(`select id::text from publications`);
    await waitForJob(pool, 'publications', onboarding.rows[0]!.id);
    await drain.stop();
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
    await cluster.stop();
    for (const d of binDirs) rmSync(d, { recursive: true, force: true });
  });

  const slowAgent = (
    buildDelayMs: number,
    shutdownTimeoutMs: number,
  ): { agent: Agent; started: Set<string> } => {
    const binDir = flowBinDir({ delayMs: { build: buildDelayMs } });
    binDirs.push(binDir);
    const started = new Set<string>();
    const agent = new Agent(
      defaultConfig(db.url, {
        binDir,
        pollIntervalMs: 100,
        shutdownTimeoutMs,
        consumerAddress: 'unix://localhost/nonexistent.sock',
      }),
      () => undefined,
      { onJobStart: (_table, row) => void started.add(row.id) },
    );
    return { agent, started };
  };
  const waitStarted = async (started: Set<string>, id: string): Promise<void> => {
    const deadline = Date.now() + 30_000;
    while (!started.has(id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(started.has(id)).toBe(true);
  };

  it('lets the running job finish before stopping', async () => {
    const { agent, started } = slowAgent(800, 10_000);
    await agent.start();
    const draft = await makeDraft(pool, USERS.alice, [
      { name: 'aliceCo/sd/a', type: 'collection', spec: spec.collection() },
    ]);
    const id = await queuePublication(pool, USERS.alice, draft, true);
    await waitStarted(started, id);
    await agent.stop();
    const { rows } = await pool.query<{ type: string }>(
      `select job_status->>'type' as type from publications where id = $1`,
      [id],
    );
    expect(rows).toEqual([{ type: 'success' }]);
  });

  it('abandons a job that outlasts the bound: rolled back, queued again, finished by another agent', async () => {
    const { agent, started } = slowAgent(15_000, 300);
    await agent.start();
    const draft = await makeDraft(pool, USERS.alice, [
      { name: 'aliceCo/sd/b', type: 'collection', spec: spec.collection() },
    ]);
    const id = await queuePublication(pool, USERS.alice, draft, true);
    await waitStarted(started, id);
    const begun = Date.now();
    await agent.stop();
    // Far less than the 15 s build: the job was abandoned, not waited for.
    expect(Date.now() - begun).toBeLessThan(8000);
    const { rows } = await pool.query<{ type: string }>(
      `select job_status->>'type' as type from publications where id = $1`,
      [id],
    );
    expect(rows).toEqual([{ type: 'queued' }]);
    const next = slowAgent(0, 5000);
    await next.agent.start();
    expect((await waitForJob(pool, 'publications', id, 40_000)).job_status.type).toBe('success');
    await next.agent.stop();
  });

  it('exits 0 on SIGTERM', async () => {
    const child = spawnAgentProcess(db.url, 'sig', [], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    const deadline = Date.now() + 30_000;
    while (!out.includes('ready') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(out).toContain('control-plane-only mode');
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
  });
});
