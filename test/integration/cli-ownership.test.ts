import { readdirSync, readFileSync } from 'node:fs';

import { afterEach, describe, expect, it } from 'vitest';

import { isAlive, waitUntil } from '../../main/process/process-group.js';
import { TestStack } from '../support/cli.js';

/** Pids of live `flow-desktop supervise` processes for a data directory (read from /proc; never signalled). */
function supervisorsOf(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmd.includes('supervise') && cmd.includes(dataDir) && isAlive(Number(entry)))
        pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

describe('one owner per data directory (real Postgres)', () => {
  let stack: TestStack;
  afterEach(async () => {
    await stack.cleanup();
  });

  it('concurrent `up --detach` start one supervisor and one set of services; the others say already running', async () => {
    stack = await TestStack.create({ FLOW_DESKTOP_AGENTS: '1' });
    const runs = await Promise.all(Array.from({ length: 4 }, () => stack.cli(['up', '--detach'])));
    for (const run of runs) expect(run.stderr).toBe('');
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    const supervisor = stack.supervisorPid()!;
    expect(supervisorsOf(stack.dataDir)).toEqual([supervisor]);
    const winners = runs.filter((r) => /background \(pid \d+\)/.test(r.stdout));
    const others = runs.filter((r) => r.stdout.includes(`The stack is already running (pid ${supervisor}).`));
    expect(winners).toHaveLength(1);
    expect(others).toHaveLength(3);
    // Each loser shows the settled status of the winner's stack.
    for (const other of others) expect(other.stdout).toMatch(/postgres\s+healthy/);
    const status = await stack.status();
    expect(status.state).toBe('running');
    expect(status.pid).toBe(supervisor);
    // Nobody killed anybody's services: no restarts, and the recorded postgres is the live one.
    expect(status.services.map((s) => s.restarts)).toEqual(status.services.map(() => 0));
    const postgres = status.services.find((s) => s.name === 'postgres')!;
    expect(stack.postmasterPid()).toBe(postgres.pid);
  });

  it('a supervisor that is alive but does not answer is never doubled, and `down` stops it', async () => {
    stack = await TestStack.create();
    expect((await stack.cli(['up', '--detach'])).code).toBe(0);
    const supervisor = stack.supervisorPid()!;
    const postgres = (await stack.status()).services[0]!.pid!;
    process.kill(supervisor, 'SIGSTOP');
    try {
      const up = await stack.cli(['up', '--detach']);
      expect(up.code).toBe(1);
      expect(up.stderr).toBe(
        `flow-desktop: the stack is already running (pid ${supervisor}) but its control API does not answer; \`flow-desktop down\` stops it\n`,
      );
      expect(supervisorsOf(stack.dataDir)).toEqual([supervisor]);
      // Its Postgres was left alone: not treated as an orphan.
      expect(isAlive(postgres)).toBe(true);
    } catch (error) {
      process.kill(supervisor, 'SIGCONT');
      throw error;
    }
    // `down` signals the stopped supervisor (SIGTERM + SIGCONT), which then stops its own services.
    const down = await stack.cli(['down']);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain(
      `the supervisor (pid ${supervisor}) did not answer; stopped it with SIGTERM`,
    );
    expect(await waitUntil(() => isAlive(supervisor) || isAlive(postgres), 10_000)).toBe(true);
    const logs = await stack.cli(['logs', 'postgres', '-n', '50']);
    expect(logs.stdout).toMatch(/received fast shutdown request/);
  });
});
