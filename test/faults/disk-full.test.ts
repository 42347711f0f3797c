import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { isAlive } from '../../main/process/process-group.js';
import { TestStack } from '../support/cli.js';
import { eventually, fillDisk, mountTmpfs, recordTiming, unmount } from './fault-support.js';

interface Problem {
  id: string;
  severity: string;
  message: string;
}

describe('fault: the disk under the logs fills up', () => {
  let stack: TestStack | null = null;
  let mounted: string | null = null;
  afterEach(async () => {
    if (stack) await stack.cli(['down']);
    if (mounted) unmount(mounted);
    await stack?.cleanup();
    stack = null;
    mounted = null;
  });

  it('the supervisor survives, says "disk full", keeps the lines, and catches up when space returns', async (ctx) => {
    stack = await TestStack.create();
    const logs = path.join(stack.dataDir, 'logs');
    const refused = mountTmpfs(logs, '2m');
    if (refused) {
      console.warn(`skipped: ${refused}`);
      ctx.skip();
      return;
    }
    mounted = logs;
    const up = await stack.cli(['up', '--detach']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const supervisor = stack.supervisorPid()!;

    const filler = fillDisk(logs);
    // Postgres logs a few dozen lines while it restarts; the supervisor notes the restart.
    const restart = await stack.cli(['restart', 'postgres']);
    expect(restart.code).toBe(0);
    expect(isAlive(supervisor)).toBe(true);
    const during = await eventually('the disk-full problem', async () => {
      const status = (await stack!.status()) as unknown as { problems: Problem[]; state: string };
      return status.problems.some((p) => p.id === 'disk-full') ? status : undefined;
    });
    expect(during.state).toBe('degraded');
    expect(during.problems.find((p) => p.id === 'disk-full')?.message).toMatch(
      /^disk full: logs cannot be written/,
    );
    // The lines are not lost: the supervisor still serves them from memory.
    const memory = await stack.cli(['logs', 'postgres', '-n', '400']);
    expect(memory.stdout).toContain('[supervisor] restarting: restart requested by the user');
    expect((await stack.status()).services[0]).toMatchObject({ name: 'postgres', state: 'healthy' });

    const freed = Date.now();
    rmSync(filler);
    await eventually('the problem to clear', async () => {
      const status = (await stack!.status()) as unknown as { problems: Problem[]; state: string };
      return status.problems.length === 0 && status.state === 'running';
    });
    recordTiming('disk full: problem cleared after space was freed', Date.now() - freed);
    const onDisk = readFileSync(path.join(logs, 'postgres.log'), 'utf8');
    expect(onDisk).toContain('[supervisor] restarting: restart requested by the user');
    expect(onDisk).toMatch(/\[supervisor\] log lines could not be written from .* \(ENOSPC\)/);
    expect(isAlive(supervisor)).toBe(true);
  });
});
