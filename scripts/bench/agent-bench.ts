// The agent: job pick-up latency (insert → the agent starts the job), end-to-end time of a control-plane-only
// publication of a 10-spec draft, and publication throughput with 1, 2 and 4 agent processes.
import type { ChildProcess } from 'node:child_process';

import pg from 'pg';

import { Agent } from '../../agent/src/agent.js';
import { defaultConfig } from '../../agent/src/config.js';
import { startTestCluster, type TestDatabase } from '../../test/support/test-postgres.js';
import type { Measurement } from './stats.js';
import { spawnAgentProcess } from '../../test/agent/agent-harness.js';

const ALICE = '11111111-1111-1111-1111-111111111111';
const PICKUPS = Number(process.env.BENCH_AGENT_PICKUPS ?? 100);
const PUBLICATIONS = Number(process.env.BENCH_AGENT_PUBLICATIONS ?? 30);
const THROUGHPUT_JOBS = Number(process.env.BENCH_AGENT_JOBS ?? 200);

let names = 0;

/** A draft of alice with `count` new collections; returns its id. */
async function draftOf(pool: pg.Pool, count: number): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    'insert into drafts (user_id) values ($1) returning id::text',
    [ALICE],
  );
  const draft = rows[0]!.id;
  const batch = Array.from({ length: count }, () => `aliceCo/bench/c${++names}`);
  await pool.query(
    `insert into draft_specs (draft_id, catalog_name, spec, spec_type)
     select $1, n, '{"schema":{"type":"object"},"key":["/id"]}'::json, 'collection' from unnest($2::text[]) n`,
    [draft, batch],
  );
  return draft;
}

/** Pick-up latency and single-publication latency, with one in-process agent waking on NOTIFY. */
async function latencies(db: TestDatabase, log: (t: string) => void): Promise<Measurement[]> {
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  const started = new Map<string, number>();
  const done = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const agent = new Agent(
    // A long poll interval, so that what is measured is the NOTIFY wake-up, not a lucky poll.
    defaultConfig(db.url, { pollIntervalMs: 5000, name: 'bench', dockerSocket: '/nonexistent' }),
    () => undefined,
    {
      onJobStart: (_t, row) => void started.set(row.id, performance.now()),
      onJobDone: (_t, row) => {
        done.set(row.id, performance.now());
        waiters.get(row.id)?.();
      },
    },
  );
  await agent.start();
  const publishAndWait = async (draft: string): Promise<{ begun: number; id: string }> => {
    const begun = performance.now();
    const { rows } = await pool.query<{ id: string }>(
      'insert into publications (user_id, draft_id) values ($1, $2) returning id::text',
      [ALICE, draft],
    );
    const id = rows[0]!.id;
    if (!done.has(id)) await new Promise<void>((resolve) => waiters.set(id, resolve));
    return { begun, id };
  };
  try {
    // Let the seed's queued jobs (ops onboarding, connector tags) drain first.
    await new Promise((r) => setTimeout(r, 1500));
    const pickup: number[] = [];
    for (let i = 0; i < PICKUPS; i++) {
      const { begun, id } = await publishAndWait(await draftOf(pool, 1));
      pickup.push(started.get(id)! - begun);
    }
    log(`${PICKUPS} single-spec publications, one at a time`);
    const tenSpec: number[] = [];
    for (let i = 0; i < PUBLICATIONS; i++) {
      const { begun, id } = await publishAndWait(await draftOf(pool, 10));
      tenSpec.push(done.get(id)! - begun);
    }
    log(`${PUBLICATIONS} ten-spec publications, control-plane-only`);
    const sorted = [...pickup].sort((a, b) => a - b);
    return [
      {
        name: 'agent: job pick-up latency (insert → start)',
        unit: 'ms',
        samples: pickup,
        target: { max: 25 },
      },
      {
        name: 'agent: job pick-up latency p99',
        unit: 'ms',
        samples: [sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!],
        note: `p99 of ${pickup.length} pick-ups`,
      },
      {
        name: 'agent: 10-spec publication, control-plane-only',
        unit: 'ms',
        samples: tenSpec,
        target: { max: 100 },
      },
    ];
  } finally {
    await agent.stop();
    await pool.end();
  }
}

function spawnAgent(db: TestDatabase, i: number): Promise<ChildProcess> {
  const child = spawnAgentProcess(db.url, `bench-${i}`, [], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { DOCKER_HOST: 'unix:///nonexistent' },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`agent exited with ${String(code)} before it was ready`)));
  });
}

/** Publications per second with `count` agent processes over independent three-spec drafts. */
async function throughput(db: TestDatabase, count: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  const agents = await Promise.all(Array.from({ length: count }, (_, i) => spawnAgent(db, i)));
  try {
    const drafts: string[] = [];
    for (let i = 0; i < THROUGHPUT_JOBS; i++) drafts.push(await draftOf(pool, 3));
    const begun = performance.now();
    // One transaction: every row becomes visible (and notified) at once.
    await pool.query(
      `insert into publications (user_id, draft_id) select $1, d from unnest($2::macaddr8[]) d`,
      [ALICE, drafts],
    );
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { rows } = await pool.query<{ n: number }>(
        `select count(*)::int as n from publications where job_status->>'type' = 'queued'`,
      );
      if (rows[0]!.n === 0) break;
      if (Date.now() > deadline) throw new Error('throughput run did not finish within 120 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    return THROUGHPUT_JOBS / ((performance.now() - begun) / 1000);
  } finally {
    await Promise.all(
      agents.map((a) => new Promise<void>((resolve) => (a.once('exit', () => resolve()), a.kill('SIGTERM')))),
    );
    await pool.end();
  }
}

/** Runs the agent benchmarks against a temporary cluster. */
export async function run(log: (text: string) => void): Promise<Measurement[]> {
  const cluster = await startTestCluster();
  try {
    const db = await cluster.createDatabase();
    const results = await latencies(db, log);
    for (const count of [1, 2, 4]) {
      const samples: number[] = [];
      for (let round = 0; round < 2; round++) samples.push(await throughput(db, count));
      log(`${count} agent(s): ${samples.map((s) => s.toFixed(0)).join(', ')} publications/s`);
      results.push({
        name: `agent: throughput, ${count} agent process(es)`,
        unit: 'jobs/s',
        samples,
        note: `${THROUGHPUT_JOBS} independent 3-spec drafts, ${String((await import('node:os')).cpus().length)} cores`,
      });
    }
    await db.drop();
    return results;
  } finally {
    await cluster.stop();
  }
}
