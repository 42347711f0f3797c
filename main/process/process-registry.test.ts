import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { isAlive, waitUntil } from './process-group.js';
import { readProcessIdentity } from './process-identity.js';
import { LiveOwnerError, ProcessRegistry } from './process-registry.js';

describe('process registry', () => {
  let dir: string;
  let pids: number[] = [];
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'registry-'));
  });
  afterEach(async () => {
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await waitUntil(() => pids.some(isAlive), 5000);
    pids = [];
    rmSync(dir, { recursive: true, force: true });
  });

  /** A child that writes "<name> <signal>" to the journal when signalled, then exits. */
  const child = async (name: string, journal: string): Promise<number> => {
    const script = `for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => {
      require('fs').appendFileSync(${JSON.stringify(journal)}, ${JSON.stringify(name)} + ' ' + s + '\\n');
      setTimeout(() => process.exit(0), 100);
    }); setInterval(() => {}, 1000);`;
    const c = spawn(process.execPath, ['-e', script], { stdio: 'ignore', detached: true });
    pids.push(c.pid!);
    await new Promise((r) => setTimeout(r, 200));
    return c.pid!;
  };

  it('stops orphans dependents first, each with its own signal (Postgres: SIGINT, last)', async () => {
    const journal = path.join(dir, 'journal');
    appendFileSync(journal, '');
    const file = path.join(dir, 'processes.json');
    // Recorded by a supervisor (this process's parent stands for it) that is now "gone": owner null.
    const recorder = new ProcessRegistry(file, null);
    recorder.track('postgres', await child('postgres', journal), {
      signal: 'SIGINT',
      timeoutMs: 5000,
      order: 0,
    });
    recorder.track('supabase-api', await child('api', journal), {
      signal: 'SIGTERM',
      timeoutMs: 5000,
      order: 2,
    });
    recorder.track('agent-1', await child('agent', journal), {
      signal: 'SIGTERM',
      timeoutMs: 5000,
      order: 3,
    });
    const cleaned = await new ProcessRegistry(file).cleanupOrphans();
    expect(cleaned.map((c) => c.service)).toEqual(['agent-1', 'supabase-api', 'postgres']);
    expect(cleaned.every((c) => c.stopped)).toBe(true);
    expect(readFileSync(journal, 'utf8').trim().split('\n')).toEqual([
      'agent SIGTERM',
      'api SIGTERM',
      'postgres SIGINT',
    ]);
  });

  it('never treats the children of a live supervisor as orphans', async () => {
    const file = path.join(dir, 'processes.json');
    const owner = readProcessIdentity(process.ppid)!;
    const pid = await child('api', path.join(dir, 'journal'));
    new ProcessRegistry(file, owner).track('supabase-api', pid);
    await expect(new ProcessRegistry(file).cleanupOrphans()).rejects.toThrow(LiveOwnerError);
    expect(isAlive(pid)).toBe(true);
    expect(new ProcessRegistry(file).recorded()).toMatchObject({
      ownerAlive: true,
      alive: [{ service: 'supabase-api' }],
    });
  });
});
