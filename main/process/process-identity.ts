import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * A fingerprint of a running process, so a pid recorded by an earlier run is only acted upon if it still
 * names the same process (pids get reused).
 */
export interface ProcessIdentity {
  readonly pid: number;
  /** Start time in clock ticks since boot (Linux) or the `ps` start-time string elsewhere. */
  readonly startTime: string;
  readonly command: string;
}

/** Reads the identity of a live process, or null if there is none with that pid (or only its zombie). */
export function readProcessIdentity(pid: number): ProcessIdentity | null {
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name in parentheses may itself contain spaces or parentheses: split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // A zombie has exited and holds nothing; it only waits to be reaped (by init, for a detached one).
      if (fields[0] === 'Z') return null;
      const startTime = fields[19] ?? '';
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      return { pid, startTime, command };
    } catch {
      return null;
    }
  }
  try {
    const out = execFileSync('ps', ['-o', 'lstart=,command=', '-p', String(pid)], {
      encoding: 'utf8',
    }).trim();
    if (!out) return null;
    return { pid, startTime: out.slice(0, 24).trim(), command: out.slice(24).trim() };
  } catch {
    return null;
  }
}

/** True when `pid` is alive and is the very process described by `recorded`. */
export function isSameProcess(recorded: ProcessIdentity): boolean {
  const now = readProcessIdentity(recorded.pid);
  return now !== null && now.startTime === recorded.startTime;
}

/** When a live process started, in ms since the epoch (null when unknown); to compare with pid files' stamps. */
export function processStartedAtMs(pid: number): number | null {
  const identity = readProcessIdentity(pid);
  if (!identity) return null;
  if (process.platform !== 'linux') {
    const parsed = Date.parse(identity.startTime);
    return Number.isNaN(parsed) ? null : parsed;
  }
  try {
    const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
    // /proc/<pid>/stat counts in USER_HZ, which is 100 on every Linux architecture Node runs on.
    return btime === undefined ? null : Number(btime) * 1000 + Number(identity.startTime) * 10;
  } catch {
    return null;
  }
}
