import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { isSameProcess, processStartedAtMs, readProcessIdentity } from '../../process/process-identity.js';
import { terminateGroup } from '../../process/process-group.js';
import type { PostgresBinaries } from './postgres-binaries.js';
import type { PostgresUser } from './postgres-user.js';

const execFileAsync = promisify(execFile);

/** The superuser initdb creates; like Supabase, `postgres` itself is an ordinary (if powerful) role. */
export const SUPERUSER = 'supabase_admin';

/** Whether a data directory holds an initialised cluster. */
export function isInitialised(pgdata: string): boolean {
  return existsSync(path.join(pgdata, 'PG_VERSION'));
}

/**
 * Creates the cluster with initdb if there is none. initdb writes into a scratch folder that is renamed into
 * place at the end, so an interrupted first start never leaves a half-made cluster behind.
 */
export async function ensureCluster(
  pgdata: string,
  binaries: PostgresBinaries,
  user: PostgresUser | null,
  superuserPassword: string,
  log: (text: string) => void,
): Promise<boolean> {
  if (isInitialised(pgdata)) return false;
  const scratch = `${pgdata}.initdb`;
  rmSync(scratch, { recursive: true, force: true });
  if (existsSync(pgdata)) {
    log(`${pgdata} exists but holds no cluster (an interrupted start?); recreating it`);
    rmSync(pgdata, { recursive: true, force: true });
  }
  mkdirSync(scratch, { recursive: true, mode: 0o700 });
  const pwfile = path.join(scratch, '..', `.pwfile-${process.pid}`);
  writeFileSync(pwfile, `${superuserPassword}\n`, { mode: 0o600 });
  if (user) {
    chownSync(scratch, user.uid, user.gid);
    chownSync(pwfile, user.uid, user.gid);
  }
  const started = Date.now();
  log(`initialising a new Postgres ${binaries.version} cluster in ${pgdata}`);
  try {
    await execFileAsync(
      binaries.initdb,
      [
        '-D',
        scratch,
        '-U',
        SUPERUSER,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C.UTF-8',
        // Safe: a crash during initdb leaves only the scratch folder, which the next start discards.
        '--no-sync',
        '--no-instructions',
      ],
      { uid: user?.uid, gid: user?.gid, env: { ...process.env, LC_ALL: 'C.UTF-8' } },
    );
  } catch (error: unknown) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`initdb failed: ${stderr || String(error)}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
  renameSync(scratch, pgdata);
  log(`cluster initialised in ${Date.now() - started} ms`);
  return true;
}

/**
 * Deals with a postmaster.pid left by a crash. It names an orphaned postmaster of this very data directory only
 * if that pid is alive and started when the file says its postmaster started (line 3, as Postgres itself
 * records it): that one is stopped with a fast shutdown. Any other pid is a reused one — never signalled —
 * and the stale file is removed so it cannot block the start.
 */
export async function clearStalePostmaster(pgdata: string, log: (text: string) => void): Promise<void> {
  const pidFile = path.join(pgdata, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const [pidLine = '', dataLine = '', startLine = ''] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  const identity = Number.isInteger(pid) && pid > 0 ? readProcessIdentity(pid) : null;
  const startedAt = identity ? processStartedAtMs(pid) : null;
  const recordedStart = Number(startLine) * 1000;
  const ours =
    identity !== null &&
    startedAt !== null &&
    path.resolve(dataLine) === path.resolve(pgdata) &&
    Math.abs(startedAt - recordedStart) <= 2000;
  if (ours) {
    log(`a Postgres from an earlier run (pid ${pid}) still runs on this data directory; stopping it`);
    const stopped = await terminateGroup(pid, 'SIGINT', 15_000);
    if (!stopped && isSameProcess(identity))
      throw new Error(`could not stop the leftover Postgres (pid ${pid})`);
  } else {
    log(`removing a stale postmaster.pid (pid ${pid} is not the Postgres that wrote it)`);
  }
  rmSync(pidFile, { force: true });
}
