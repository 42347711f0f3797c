import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { acquireOwnerLock, readOwner, readOwnerFile } from './owner-lock.js';
import { isAlive, waitUntil } from './process-group.js';

/** A Node child that takes the lock and then sleeps (or is stopped / killed by the test). */
function holder(root: string, ownerFile: string): Promise<{ pid: number }> {
  const script = `
    const { acquireOwnerLock } = await import(${JSON.stringify(path.join(import.meta.dirname, 'owner-lock.ts'))});
    const got = await acquireOwnerLock(${JSON.stringify(root)}, ${JSON.stringify(ownerFile)}, 'test');
    console.log(got.lock ? 'locked' : 'refused');
    setInterval(() => undefined, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').once('data', (text: string) => {
      if (text.startsWith('locked')) resolve({ pid: child.pid! });
      else reject(new Error(text));
    });
    child.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
}

describe('owner lock of a data directory', () => {
  let root: string;
  let ownerFile: string;
  const children: number[] = [];
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'owner-lock-'));
    ownerFile = path.join(root, 'run', 'owner.json');
  });
  afterEach(async () => {
    for (const pid of children.splice(0)) {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      await waitUntil(() => isAlive(pid), 5000);
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('is exclusive within a process and records the holder', async () => {
    const first = await acquireOwnerLock(root, ownerFile, 'supervise');
    expect(first.lock).not.toBeNull();
    const second = await acquireOwnerLock(root, ownerFile, 'supervise');
    expect(second.lock).toBeNull();
    if (second.lock === null) expect(second.state.owner?.pid).toBe(process.pid);
    expect(await readOwner(root, ownerFile)).toMatchObject({ held: true, owner: { pid: process.pid } });
    await first.lock!.release();
    expect(await readOwner(root, ownerFile)).toEqual({ held: false, owner: null });
    expect(readOwnerFile(ownerFile)).toBeNull();
    const third = await acquireOwnerLock(root, ownerFile, 'supervise');
    expect(third.lock).not.toBeNull();
    await third.lock!.release();
  });

  it('is respected while its holder lives, even stopped, and taken over once it was killed -9', async () => {
    const { pid } = await holder(root, ownerFile);
    children.push(pid);
    process.kill(pid, 'SIGSTOP');
    try {
      const refused = await acquireOwnerLock(root, ownerFile, 'supervise');
      expect(refused.lock).toBeNull();
      if (refused.lock === null) expect(refused.state).toMatchObject({ held: true, owner: { pid } });
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    process.kill(pid, 'SIGKILL');
    await waitUntil(() => isAlive(pid), 5000);
    // owner.json still names the dead holder: that record alone must not block anyone.
    expect(readOwnerFile(ownerFile)?.pid).toBe(pid);
    expect(await readOwner(root, ownerFile)).toEqual({ held: false, owner: null });
    const taken = await acquireOwnerLock(root, ownerFile, 'supervise');
    expect(taken.lock?.record.pid).toBe(process.pid);
    await taken.lock!.release();
  });

  it('a record naming a live process that does not hold the lock is not an owner', async () => {
    // pid 1 is alive, but it never took the lock: a reused or forged pid must not block a start.
    writeFileSync(
      path.join(root, 'owner.json'),
      JSON.stringify({ pid: 1, startTime: '1', role: 'x', since: '' }),
    );
    expect(await readOwner(root, path.join(root, 'owner.json'))).toEqual({ held: false, owner: null });
  });

  it('only one of many processes racing for it wins', async () => {
    const script = `
      const { acquireOwnerLock } = await import(${JSON.stringify(path.join(import.meta.dirname, 'owner-lock.ts'))});
      const got = await acquireOwnerLock(${JSON.stringify(root)}, ${JSON.stringify(ownerFile)}, 'race');
      console.log(got.lock ? 'won' : 'lost');
      await new Promise((r) => setTimeout(r, 1500));`;
    const run = (): Promise<string> =>
      new Promise((resolve) =>
        execFile(
          process.execPath,
          ['--import', 'tsx', '--input-type=module', '-e', script],
          (_error, stdout) => resolve(stdout.trim()),
        ),
      );
    const outcomes = await Promise.all(Array.from({ length: 6 }, run));
    expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'lost')).toHaveLength(5);
  });
});
