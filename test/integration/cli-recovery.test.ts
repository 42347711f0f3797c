import { afterEach, describe, expect, it } from 'vitest';

import { isAlive, waitUntil } from '../../main/process/process-group.js';
import { TestStack } from '../support/cli.js';
import { query } from '../support/sql.js';

describe('flow-desktop recovery (real Postgres)', () => {
  let stack: TestStack;
  afterEach(async () => {
    await stack.cleanup();
  });

  it('restarts Postgres after kill -9, with the data intact', async () => {
    stack = await TestStack.create();
    expect((await stack.cli(['up', '--detach'])).code).toBe(0);
    const { DB_URL } = await stack.status();
    await query(DB_URL, `create table kept (v text); insert into kept values ('before the crash')`);
    const first = stack.postmasterPid()!;
    process.kill(first, 'SIGKILL');
    const recovered = await waitUntil(() => {
      const pid = stack.postmasterPid();
      return pid === null || pid === first || !isAlive(pid);
    }, 20_000);
    expect(recovered).toBe(true);
    let status = await stack.status();
    for (let i = 0; i < 100 && status.services[0]?.state !== 'healthy'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = await stack.status();
    }
    const postgres = status.services[0]!;
    expect(postgres.state).toBe('healthy');
    expect(postgres.restarts).toBe(1);
    expect(postgres.lastError?.message).toBe('killed by signal SIGKILL');
    expect(await query(DB_URL, 'select v from kept')).toEqual([{ v: 'before the crash' }]);
    const logs = await stack.cli(['logs', 'postgres', '-n', '200']);
    expect(logs.stdout).toContain('[supervisor] crashed: killed by signal SIGKILL');
    expect(logs.stdout).toContain('[supervisor] restarting in 250 ms (attempt 1)');
  });

  it('recovers on the next up after the whole supervisor was killed hard', async () => {
    stack = await TestStack.create();
    expect((await stack.cli(['up', '--detach'])).code).toBe(0);
    const { DB_URL } = await stack.status();
    await query(DB_URL, `create table kept (v text); insert into kept values ('survives')`);
    const supervisor = stack.supervisorPid()!;
    const orphan = stack.postmasterPid()!;
    process.kill(supervisor, 'SIGKILL');
    await waitUntil(() => isAlive(supervisor), 5000);
    // The supervisor is gone but its Postgres still runs, holding the port and postmaster.pid.
    expect(isAlive(orphan)).toBe(true);
    expect((await stack.status()).running).toBe(false);

    const up = await stack.cli(['up', '--detach']);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain(`stopped postgres (pid ${orphan}) left running by an earlier run`);
    expect(isAlive(orphan)).toBe(false);
    const status = await stack.status();
    expect(status.state).toBe('running');
    expect(status.services[0]!.pid).not.toBe(orphan);
    expect(await query(DB_URL, 'select v from kept')).toEqual([{ v: 'survives' }]);
  });

  it('starts again after supervisor and Postgres were both killed, leaving a stale postmaster.pid', async () => {
    stack = await TestStack.create();
    expect((await stack.cli(['up', '--detach'])).code).toBe(0);
    const supervisor = stack.supervisorPid()!;
    const postmaster = stack.postmasterPid()!;
    process.kill(supervisor, 'SIGKILL');
    process.kill(postmaster, 'SIGKILL');
    await waitUntil(() => isAlive(supervisor) || isAlive(postmaster), 5000);
    expect(stack.postmasterPid()).toBe(postmaster);

    const up = await stack.cli(['up', '--detach']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const states = (await stack.status()).services.map((s) => s.state);
    expect(states.slice(0, 2)).toEqual(['healthy', 'completed']);
    expect(states.every((s) => s === 'healthy' || s === 'completed')).toBe(true);
    const logs = await stack.cli(['logs', 'postgres', '-n', '400']);
    expect(logs.stdout).toMatch(/database system was interrupted|was not properly shut down|redo/);
  });

  it('status shows what a killed supervisor left running; down stops it cleanly, Postgres last', async () => {
    stack = await TestStack.create({ FLOW_DESKTOP_AGENTS: '1' });
    expect((await stack.cli(['up', '--detach'])).code).toBe(0);
    const supervisor = stack.supervisorPid()!;
    const orphan = stack.postmasterPid()!;
    process.kill(supervisor, 'SIGKILL');
    await waitUntil(() => isAlive(supervisor), 5000);
    const status = (await stack.status()) as Awaited<ReturnType<TestStack['status']>> & {
      problems: { id: string; message: string }[];
    };
    expect(status.running).toBe(false);
    expect(status.state).toBe('degraded');
    expect(status.services[0]).toMatchObject({ name: 'postgres', state: 'healthy', pid: orphan });
    expect(status.services[0]!.lastError?.message).toBe('left running by a supervisor that is gone');
    expect(status.problems.map((p) => p.id)).toEqual(['orphans']);
    expect(status.problems[0]!.message).toContain(`postgres (pid ${orphan})`);
    const pretty = await stack.cli(['status']);
    expect(pretty.stdout).toContain('Flow Desktop stack: no supervisor, but some of its processes still run');

    expect((await stack.cli(['down'])).code).toBe(0);
    expect(isAlive(orphan)).toBe(false);
    const after = await stack.status();
    expect(after.state).toBe('stopped');
    // A fast shutdown, not a kill: the next start finds a cleanly shut down cluster, with no crash recovery.
    expect((await stack.cli(['up', '--detach'])).code).toBe(0);
    const logs = await stack.cli(['logs', 'postgres', '-n', '400']);
    const lastStart = logs.stdout.slice(logs.stdout.lastIndexOf('starting PostgreSQL'));
    expect(lastStart).toMatch(/database system was shut down at/);
    expect(lastStart).not.toMatch(/was interrupted|not properly shut down/);
  });

  it('down without a supervisor cleans up orphans of a killed one', async () => {
    stack = await TestStack.create();
    expect((await stack.cli(['up', '--detach'])).code).toBe(0);
    const supervisor = stack.supervisorPid()!;
    const orphan = stack.postmasterPid()!;
    process.kill(supervisor, 'SIGKILL');
    await waitUntil(() => isAlive(supervisor), 5000);
    const down = await stack.cli(['down']);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('The stack is not running.');
    expect(down.stdout).toContain(`stopped postgres (pid ${orphan}) left by an earlier run`);
    expect(isAlive(orphan)).toBe(false);
  });
});
