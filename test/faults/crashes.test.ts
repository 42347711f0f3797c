import { readdirSync, readFileSync } from 'node:fs';

import { afterEach, describe, expect, it } from 'vitest';

import { isAlive, waitUntil } from '../../main/process/process-group.js';
import { TestStack, type StatusJson } from '../support/cli.js';
import { query } from '../support/sql.js';
import { eventually, liveStatus, recordTiming } from './fault-support.js';

type Service = StatusJson['services'][number];

/** Live `flow-desktop supervise` processes of a data directory (read from /proc; never signalled by name). */
function supervisorsOf(dataDir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
        return cmd.includes('supervise') && cmd.includes(dataDir) && isAlive(Number(entry));
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('fault: processes killed hard', () => {
  let stack: TestStack | null = null;
  afterEach(async () => {
    await stack?.cleanup();
    stack = null;
  });

  const service = async (name: string): Promise<Service> =>
    (await liveStatus(stack!.dataDir)).services.find((s) => s.name === name)! as Service;

  it('kill -9 of each service: restarted with a reason, the others untouched', async () => {
    stack = await TestStack.create({ FLOW_DESKTOP_AGENTS: '1' });
    expect((await stack.cli(['up', '--detach'])).code).toBe(0);
    for (const name of ['postgres', 'supabase-api', 'agent-1']) {
      const before = await service(name);
      const killed = Date.now();
      process.kill(before.pid!, 'SIGKILL');
      const after = await eventually(
        `${name} to be healthy again`,
        async () => {
          const now = await service(name);
          return now.state === 'healthy' && now.pid !== before.pid ? now : undefined;
        },
        60_000,
        50,
      );
      recordTiming(`kill -9 ${name}: healthy again`, Date.now() - killed);
      expect(after.restarts).toBe(before.restarts + 1);
      expect(after.lastError?.message).toBe('killed by signal SIGKILL');
      // Everything comes back to running (the API and agent may be unhealthy while Postgres restarts).
      await eventually(
        'the stack to run again',
        async () => (await stack!.status()).state === 'running',
        60_000,
      );
    }
    const status = await stack.status();
    expect(status.services.find((s) => s.name === 'supabase-api')?.restarts).toBe(1);
  });

  it('a hung Postgres makes the API and agents unhealthy (not restarted) until it is replaced', async () => {
    stack = await TestStack.create({ FLOW_DESKTOP_AGENTS: '1' });
    expect((await stack.cli(['up', '--detach'])).code).toBe(0);
    const postgres = await service('postgres');
    const api = await service('supabase-api');
    const stopped = Date.now();
    process.kill(postgres.pid!, 'SIGSTOP');
    try {
      await eventually(
        'the API and the agent to turn unhealthy',
        async () => {
          const status = await stack!.status();
          const states = ['supabase-api', 'agent-1'].map(
            (n) => status.services.find((s) => s.name === n)?.state,
          );
          return states.every((s) => s === 'unhealthy');
        },
        60_000,
      );
      recordTiming('hung Postgres: API and agents unhealthy', Date.now() - stopped);
      // The supervisor replaces the hung Postgres (6 failed probes); the API and agent are not restarted.
      await eventually(
        'Postgres replaced and the stack running',
        async () => {
          const status = await stack!.status();
          const pg = status.services.find((s) => s.name === 'postgres')!;
          return status.state === 'running' && pg.pid !== postgres.pid;
        },
        90_000,
        200,
      );
      recordTiming('hung Postgres: replaced and the stack running again', Date.now() - stopped);
    } finally {
      if (isAlive(postgres.pid!)) process.kill(postgres.pid!, 'SIGCONT');
    }
    // The supervisor never restarted the API or the agent for their readiness. (Either may exit by itself when
    // its connections are cut as the hung Postgres is killed: that is a crash, restarted as such.)
    for (const name of ['supabase-api', 'agent-1']) {
      const logs = await stack.cli(['logs', name, '-n', '500']);
      expect(logs.stdout).not.toMatch(/\[supervisor\] restarting.*(unhealthy|database not reachable)/);
      expect(logs.stdout).toMatch(/database not reachable/);
    }
    expect((await service('supabase-api')).state).toBe('healthy');
    void api;
  });

  it('kill -9 of the supervisor: status shows the orphans; concurrent ups take over once, data intact', async () => {
    stack = await TestStack.create();
    expect((await stack.cli(['up', '--detach'])).code).toBe(0);
    const { DB_URL } = await stack.status();
    await query(DB_URL, `create table kept (v text); insert into kept values ('before')`);
    const supervisor = stack.supervisorPid()!;
    const orphan = stack.postmasterPid()!;
    const killed = Date.now();
    process.kill(supervisor, 'SIGKILL');
    await waitUntil(() => isAlive(supervisor), 5000);
    const status = (await stack.status()) as StatusJson & { problems: { id: string }[] };
    expect(status.state).toBe('degraded');
    expect(status.problems.map((p) => p.id)).toEqual(['orphans']);
    expect(status.services[0]).toMatchObject({ state: 'healthy', pid: orphan });

    const ups = await Promise.all(Array.from({ length: 4 }, () => stack!.cli(['up', '--detach'])));
    recordTiming('kill -9 supervisor: 4 concurrent ups until running', Date.now() - killed);
    expect(ups.map((u) => u.code)).toEqual([0, 0, 0, 0]);
    const next = stack.supervisorPid()!;
    expect(supervisorsOf(stack.dataDir)).toEqual([next]);
    expect(ups.filter((u) => u.stdout.includes(`stopped postgres (pid ${orphan})`))).toHaveLength(1);
    expect(ups.filter((u) => u.stdout.includes(`The stack is already running (pid ${next}).`))).toHaveLength(
      3,
    );
    expect(isAlive(orphan)).toBe(false);
    expect(await query(DB_URL, 'select v from kept')).toEqual([{ v: 'before' }]);
  });
});
