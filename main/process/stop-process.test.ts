import { spawn } from 'node:child_process';

import { afterEach, describe, expect, it } from 'vitest';

import { isAlive, waitUntil } from './process-group.js';
import { readProcessIdentity } from './process-identity.js';
import { stopLikeSystemd } from './stop-process.js';

describe('stopping an unresponsive process', () => {
  const pids: number[] = [];
  afterEach(() => {
    for (const pid of pids.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  });

  const start = async (script: string): Promise<number> => {
    const child = spawn(
      process.execPath,
      ['-e', `${script}; console.log('ready'); setInterval(() => {}, 1000)`],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    pids.push(child.pid!);
    await new Promise((resolve) => child.stdout.once('data', resolve));
    return child.pid!;
  };

  it('a stopped process gets SIGCONT with its SIGTERM and stops cleanly', async () => {
    const pid = await start(`process.on('SIGTERM', () => process.exit(0))`);
    process.kill(pid, 'SIGSTOP');
    expect(await stopLikeSystemd(readProcessIdentity(pid)!, 5000)).toBe('terminated');
  });

  it('one that ignores SIGTERM (a blocked event loop, say) is killed after the grace period', async () => {
    const pid = await start(`process.on('SIGTERM', () => {})`);
    const begun = Date.now();
    expect(await stopLikeSystemd(readProcessIdentity(pid)!, 300)).toBe('killed');
    expect(Date.now() - begun).toBeGreaterThanOrEqual(300);
    expect(await waitUntil(() => isAlive(pid), 2000)).toBe(true);
  });

  it('never signals a process that only reuses the pid', async () => {
    const pid = await start('');
    const stale = { ...readProcessIdentity(pid)!, startTime: '1' };
    expect(await stopLikeSystemd(stale, 100)).toBe('terminated');
    expect(isAlive(pid)).toBe(true);
  });
});
