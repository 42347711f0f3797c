import { chmodSync, mkdirSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import type { PreflightCheck } from '../../shared/preflight.js';
import { canTraverse } from '../services/postgres/postgres-binaries.js';
import { checkDocker } from './docker-check.js';
import type { PostgresUser } from '../services/postgres/postgres-user.js';
import { findPortHolder } from './port-holder.js';

/** A port a service will listen on, and the flag that moves it. */
export interface PortNeed {
  readonly service: string;
  readonly port: number;
  readonly flag: string;
}

const MIN_FREE_BYTES = 300 * 1024 * 1024;

/** Runs every check before a start: ports free, data directory usable, enough disk space, Docker (a warning). */
export async function runPreflight(
  dataDir: string,
  ports: readonly PortNeed[],
  pgUser: PostgresUser | null,
): Promise<PreflightCheck[]> {
  const checks: PreflightCheck[] = [];
  checks.push(checkDataDir(dataDir, pgUser));
  checks.push(checkDisk(dataDir));
  checks.push(...checkDistinctPorts(ports));
  for (const need of ports) checks.push(await checkPort(need));
  checks.push(await checkDocker());
  return checks;
}

/** Whether a port can be bound on 127.0.0.1 right now; if not, names the holder where the OS tells it. */
export async function checkPort(need: PortNeed): Promise<PreflightCheck> {
  const error = await tryListen(need.port);
  const check = `port ${need.port} (${need.service})`;
  if (!error) return { check, ok: true, message: `port ${need.port} is free` };
  if (error === 'EADDRINUSE') {
    const holder = findPortHolder(need.port);
    const who = holder ? `${holder.name} (pid ${holder.pid})` : 'another process';
    return {
      check,
      ok: false,
      message: `port ${need.port} for ${need.service} is in use by ${who}; stop it or choose another port with ${need.flag}`,
    };
  }
  return {
    check,
    ok: false,
    message: `cannot listen on 127.0.0.1:${need.port} for ${need.service} (${error}); choose another port with ${need.flag}`,
  };
}

function tryListen(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(null)));
  });
}

function checkDistinctPorts(ports: readonly PortNeed[]): PreflightCheck[] {
  const seen = new Map<number, string>();
  const problems: PreflightCheck[] = [];
  for (const need of ports) {
    const other = seen.get(need.port);
    if (other) {
      problems.push({
        check: `port ${need.port}`,
        ok: false,
        message: `${other} and ${need.service} are both configured for port ${need.port}; change one with ${need.flag}`,
      });
    }
    seen.set(need.port, need.service);
  }
  return problems;
}

/**
 * The pre-flight's sentence when the data directory cannot be created or written (read-only, full, no
 * permission), or null when it can. Commands check this before they write anything there.
 */
export function dataDirWriteProblem(dataDir: string): string | null {
  try {
    mkdirSync(dataDir, { recursive: true });
    const probe = path.join(dataDir, `.write-test-${process.pid}`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
    return null;
  } catch (error: unknown) {
    return `data directory ${dataDir} is not writable (${(error as Error).message}); choose another with --data-dir or FLOW_DESKTOP_HOME`;
  }
}

function checkDataDir(dataDir: string, pgUser: PostgresUser | null): PreflightCheck {
  const check = 'data directory';
  const problem = dataDirWriteProblem(dataDir);
  if (problem) return { check, ok: false, message: problem };
  if (pgUser) allowTraversal(dataDir);
  if (pgUser && !canTraverse(path.join(dataDir, 'x'), pgUser.uid, pgUser.gid)) {
    return {
      check,
      ok: false,
      message: `data directory ${dataDir} cannot be reached by the unprivileged "${pgUser.name}" user Postgres runs as under root; use a folder outside /root with --data-dir (for example /var/lib/flow-desktop)`,
    };
  }
  return { check, ok: true, message: `${dataDir} is writable` };
}

/**
 * Lets other users pass through (not list) our own data directory, so the unprivileged Postgres user can
 * reach its cluster inside; the secrets next to it stay owner-only.
 */
function allowTraversal(dataDir: string): void {
  const st = statSync(dataDir);
  if (st.uid === process.getuid?.() && (st.mode & 0o001) === 0)
    chmodSync(dataDir, (st.mode & 0o7777) | 0o001);
}

function checkDisk(dataDir: string): PreflightCheck {
  const check = 'disk space';
  try {
    const stats = statfsSync(dataDir);
    const free = stats.bavail * stats.bsize;
    const mb = Math.floor(free / 1024 / 1024);
    if (free < MIN_FREE_BYTES) {
      return {
        check,
        ok: false,
        message: `only ${mb} MB free where ${dataDir} lives; free at least ${MIN_FREE_BYTES / 1024 / 1024} MB or choose another --data-dir`,
      };
    }
    return { check, ok: true, message: `${mb} MB free` };
  } catch (error: unknown) {
    return { check, ok: true, message: `free space unknown (${(error as Error).message})` };
  }
}
