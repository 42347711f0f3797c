import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { isAlive, waitUntil } from '../../process/process-group.js';
import { processStartedAtMs } from '../../process/process-identity.js';
import { clearStalePostmaster } from './postgres-cluster.js';

describe('stale postmaster.pid', () => {
  let dir: string;
  let pgdata: string;
  let pids: number[] = [];
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'postmaster-'));
    pgdata = path.join(dir, 'postgres');
    mkdirSync(pgdata);
  });
  afterEach(async () => {
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await waitUntil(() => pids.some(isAlive), 5000);
    pids = [];
    rmSync(dir, { recursive: true, force: true });
  });

  /** A process whose command line mentions postgres and the data directory, as a reused pid might. */
  const lookalike = async (): Promise<number> => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'postgres', '-D', pgdata], {
      stdio: 'ignore',
      detached: true,
    });
    pids.push(child.pid!);
    await new Promise((r) => setTimeout(r, 100));
    return child.pid!;
  };
  const pidFile = (pid: number, startedAtS: number): void =>
    writeFileSync(
      path.join(pgdata, 'postmaster.pid'),
      `${pid}\n${pgdata}\n${startedAtS}\n5432\n\n127.0.0.1\n`,
    );

  it('never signals a live process that did not start when the file says its postmaster did', async () => {
    const pid = await lookalike();
    pidFile(pid, Math.floor(Date.now() / 1000) - 3600);
    const notes: string[] = [];
    await clearStalePostmaster(pgdata, (t) => notes.push(t));
    expect(isAlive(pid)).toBe(true);
    expect(existsSync(path.join(pgdata, 'postmaster.pid'))).toBe(false);
    expect(notes).toEqual([`removing a stale postmaster.pid (pid ${pid} is not the Postgres that wrote it)`]);
  });

  it('stops the postmaster the file describes (same pid, data directory and start time)', async () => {
    const pid = await lookalike();
    pidFile(pid, Math.floor(processStartedAtMs(pid)! / 1000));
    const notes: string[] = [];
    await clearStalePostmaster(pgdata, (t) => notes.push(t));
    expect(isAlive(pid)).toBe(false);
    expect(notes[0]).toBe(
      `a Postgres from an earlier run (pid ${pid}) still runs on this data directory; stopping it`,
    );
  });
});
