// Four agent processes, a few hundred publications over overlapping names, and random SIGKILLs while they work:
// every publication must end resolved exactly once, with no leftovers and no deadlock.
import type { ChildProcess } from 'node:child_process';

import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestCluster, type TestCluster, type TestDatabase } from '../support/test-postgres.js';
import {
  keyedSchema,
  makeDraft,
  poolOf,
  queuePublication,
  spec,
  USERS,
  spawnAgentProcess,
} from './agent-harness.js';

const AGENTS = 4;
const PUBLICATIONS = 300;
const NAMES = 24;
const SPECS_PER_DRAFT = 3;

describe('agent torture test: 4 processes, random SIGKILLs (real Postgres)', () => {
  let cluster: TestCluster;
  let db: TestDatabase;
  let pool: pg.Pool;
  const children = new Set<ChildProcess>();

  const spawnAgent = (i: number): ChildProcess => {
    const child = spawnAgentProcess(db.url, `t${i}`, ['--poll-interval-ms', '250']);
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };

  beforeAll(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase();
    pool = poolOf(db.url);
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await pool.end();
    await db.drop();
    await cluster.stop();
  });

  it('resolves every publication exactly once', async () => {
    // Deterministic pseudo-random choices, so a failure can be replayed.
    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const sizes = new Map<string, number>();
    const ids: string[] = [];
    for (let i = 0; i < PUBLICATIONS; i++) {
      const names = new Set<string>();
      while (names.size < SPECS_PER_DRAFT) names.add(`aliceCo/torture/c${Math.floor(random() * NAMES)}`);
      const draft = await makeDraft(
        pool,
        USERS.alice,
        [...names].map((name) => ({
          name,
          type: 'collection' as const,
          spec: spec.collection(['/id'], { schema: keyedSchema(['/id'], { title: `v${i}` }) }),
        })),
      );
      const id = await queuePublication(pool, USERS.alice, draft);
      ids.push(id);
      sizes.set(id, names.size);
    }

    const agents = Array.from({ length: AGENTS }, (_, i) => spawnAgent(i));
    let kills = 0;
    const started = Date.now();
    const queued = async (): Promise<number> =>
      (
        await pool.query<{ n: number }>(
          `select count(*)::int as n from publications where job_status->>'type' = 'queued'`,
        )
      ).rows[0]!.n;
    // Kill a random agent every 300–700 ms while work remains (for at most 20 s), restarting it at once.
    while ((await queued()) > 0 && Date.now() - started < 20_000) {
      await new Promise((r) => setTimeout(r, 300 + random() * 400));
      const victim = Math.floor(random() * AGENTS);
      agents[victim]!.kill('SIGKILL');
      kills++;
      agents[victim] = spawnAgent(victim);
    }
    // Then let the survivors finish.
    const deadline = Date.now() + 30_000;
    while ((await queued()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    for (const child of agents) child.kill('SIGTERM');

    expect(kills).toBeGreaterThan(3);
    expect(await queued()).toBe(0);
    const statuses = await pool.query<{ type: string; n: number }>(
      `select job_status->>'type' as type, count(*)::int as n from publications where id = any($1::macaddr8[]) group by 1`,
      [ids],
    );
    expect(statuses.rows).toEqual([{ type: 'success', n: PUBLICATIONS }]);
    const history = await pool.query<{ pub: string; n: number }>(
      `select pub_id::text as pub, count(*)::int as n from publication_specs where pub_id = any($1::macaddr8[]) group by 1`,
      [ids],
    );
    expect(history.rows.length).toBe(PUBLICATIONS);
    for (const row of history.rows) expect(row.n).toBe(sizes.get(row.pub));
    const left = await pool.query(
      `select count(*)::int as n from draft_specs where catalog_name like 'aliceCo/torture/%'`,
    );
    expect(left.rows).toEqual([{ n: 0 }]);
    // Each name's live spec is the one its last publication (in commit order, not id order) recorded.
    const mismatched = await pool.query(
      `select l.catalog_name from live_specs l
       where l.catalog_name like 'aliceCo/torture/%' and not exists (
         select 1 from publication_specs p
         where p.live_spec_id = l.id and p.pub_id = l.last_pub_id and p.spec::text = l.spec::text)`,
    );
    expect(mismatched.rows).toEqual([]);
  }, 75_000);
});
