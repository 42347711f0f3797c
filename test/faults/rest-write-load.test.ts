import { afterEach, describe, expect, it } from 'vitest';

import { TestStack } from '../support/cli.js';
import { query } from '../support/sql.js';
import { eventually, liveStatus, recordTiming } from './fault-support.js';

const WRITERS = 8;
const KILLS = 3;

describe('fault: Postgres killed under REST write load', () => {
  let stack: TestStack | null = null;
  afterEach(async () => {
    await stack?.cleanup();
    stack = null;
  });

  it('every acknowledged write survives, and the API process is never restarted', async () => {
    stack = await TestStack.create();
    expect((await stack.cli(['up', '--detach'])).code).toBe(0);
    const { DB_URL, REST_URL, SERVICE_ROLE_KEY } = await stack.status();
    await query(
      DB_URL,
      `create table public.fault_writes (id bigint primary key, writer int not null, v text not null);
       alter table public.fault_writes enable row level security;
       grant all on public.fault_writes to service_role;`,
    );
    const headers = {
      apikey: SERVICE_ROLE_KEY,
      authorization: `Bearer ${SERVICE_ROLE_KEY}`,
      'content-type': 'application/json',
      prefer: 'return=minimal',
    };
    // The API reloads its schema cache after the DDL; wait until it knows the table.
    await eventually('the table in the REST schema', async () => {
      const response = await fetch(`${REST_URL}/fault_writes?select=id&limit=1`, { headers });
      return response.status === 200;
    });
    const api = (await liveStatus(stack.dataDir)).services.find((s) => s.name === 'supabase-api')!;

    const acknowledged: number[] = [];
    const failures = new Map<string, number>();
    let running = true;
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; running; i++) {
        const id = w * 1_000_000 + i;
        try {
          const response = await fetch(`${REST_URL}/fault_writes`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ id, writer: w, v: `row ${i}` }),
            signal: AbortSignal.timeout(15_000),
          });
          const body = response.ok ? '' : ((await response.json()) as { code?: string }).code;
          await response.body?.cancel().catch(() => undefined);
          if (response.status >= 200 && response.status < 300) acknowledged.push(id);
          else
            failures.set(
              `${response.status} ${body ?? ''}`,
              (failures.get(`${response.status} ${body ?? ''}`) ?? 0) + 1,
            );
        } catch (error: unknown) {
          const key = `no answer: ${(error as Error).cause ? String((error as { cause: { code?: string } }).cause.code) : (error as Error).name}`;
          failures.set(key, (failures.get(key) ?? 0) + 1);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };
    const load = Array.from({ length: WRITERS }, (_, w) => writer(w));
    try {
      for (let k = 0; k < KILLS; k++) {
        await new Promise((r) => setTimeout(r, 1500));
        const postgres = (await liveStatus(stack.dataDir)).services.find((s) => s.name === 'postgres')!;
        const killed = Date.now();
        process.kill(postgres.pid!, 'SIGKILL');
        await eventually(
          'Postgres healthy again',
          async () => {
            const pg = (await liveStatus(stack!.dataDir)).services.find((s) => s.name === 'postgres')!;
            return pg.state === 'healthy' && pg.pid !== postgres.pid;
          },
          60_000,
          50,
        );
        const pgBack = Date.now() - killed;
        // Writes go through again.
        const before = acknowledged.length;
        await eventually(
          'writes acknowledged again',
          () => acknowledged.length > before + WRITERS,
          60_000,
          20,
        );
        recordTiming('Postgres kill -9 under REST load: Postgres healthy', pgBack);
        recordTiming('Postgres kill -9 under REST load: writes acknowledged again', Date.now() - killed);
      }
    } finally {
      running = false;
      await Promise.all(load);
    }
    console.log(
      `acknowledged ${acknowledged.length} writes; refused: ${JSON.stringify(Object.fromEntries(failures))}`,
    );
    expect(acknowledged.length).toBeGreaterThan(100);
    const stored = new Set(
      (await query<{ id: string }>(DB_URL, 'select id from public.fault_writes')).map((r) => Number(r.id)),
    );
    const lost = acknowledged.filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
    const after = (await liveStatus(stack.dataDir)).services.find((s) => s.name === 'supabase-api')!;
    expect({ pid: after.pid, restarts: after.restarts }).toEqual({ pid: api.pid, restarts: 0 });
    // Refusals during the outage are the API's 503s, never a dropped connection.
    expect([...failures.keys()].filter((k) => k.startsWith('no answer'))).toEqual([]);
  });
});
