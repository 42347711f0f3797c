import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

import type { ProcessCommand } from '../supervisor/service-spec.js';

/** Spawns a command as the leader of its own process group, so the whole tree can be signalled at once. */
export function spawnGroup(command: ProcessCommand): ChildProcess {
  return spawn(command.file, [...command.args], {
    cwd: command.cwd,
    env: { ...process.env, ...command.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // On POSIX `detached` makes the child a process-group leader (setsid); the supervisor still waits on it.
    detached: process.platform !== 'win32',
    uid: command.uid,
    gid: command.gid,
    windowsHide: true,
  });
}

/** Sends a signal to a whole process group (or just the process on Windows). Returns false if it is gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    if (process.platform === 'win32') process.kill(pid, signal);
    else process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** Whether a process with this pid exists (it may belong to another user) and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // An exited process stays a zombie until its parent reaps it; for a detached supervisor that parent is
  // init, which may take a while. A zombie holds nothing any more, so it counts as gone.
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** Whether any process of this process group is still alive. */
export function isGroupAlive(pgid: number): boolean {
  if (process.platform === 'win32') return isAlive(pgid);
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Resolves once `check` returns false, or with false after `timeoutMs`. */
export async function waitUntil(check: () => boolean, timeoutMs: number, stepMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (check()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return true;
}

/**
 * Stops a process group we are not (or no longer) the parent of: `signal`, then SIGKILL after `timeoutMs`.
 * Used for orphans of a crashed supervisor. Returns true once nothing of the group is left.
 */
export async function terminateGroup(
  pgid: number,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<boolean> {
  if (!isGroupAlive(pgid)) return true;
  signalGroup(pgid, signal);
  if (await waitUntil(() => isGroupAlive(pgid), timeoutMs)) return true;
  signalGroup(pgid, 'SIGKILL');
  return waitUntil(() => isGroupAlive(pgid), 2000);
}
