import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

import pg from 'pg';

import { ProcessRegistry } from '../process/process-registry.js';
import { findPostgresBinaries, reachableBinaries } from '../services/postgres/postgres-binaries.js';
import { postgresService, superuserUrl } from '../services/postgres/postgres-service.js';
import { postgresUser } from '../services/postgres/postgres-user.js';
import { Supervisor } from '../supervisor/supervisor.js';

/** A Postgres cluster we may create scratch databases in, as its superuser. */
export interface ScratchCluster {
  /** `stack`: the running stack's own cluster; `temporary`: one started for this run and removed after. */
  readonly kind: 'stack' | 'temporary';
  readonly port: number;
  readonly superuserPassword: string;
  /** Stops and deletes a temporary cluster; leaves the stack's alone. */
  dispose(): Promise<void>;
}

/** Same place the stack copies its binaries to when running as root (the postgres user cannot read /root). */
const ROOT_BINARY_CACHE = '/var/cache/flow-desktop';

/**
 * The running stack's cluster, when its Postgres answers on `port` with the data directory's superuser
 * password; null otherwise (not running, or another server on that port). Creating a scratch database there
 * costs well under a second, against one or two for starting a cluster.
 */
export async function stackCluster(port: number, secretsFile: string): Promise<ScratchCluster | null> {
  const password = readSuperuserPassword(secretsFile);
  if (!password) return null;
  const client = new pg.Client({
    connectionString: superuserUrl(port, password, 'template1'),
    connectionTimeoutMillis: 1500,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
  return { kind: 'stack', port, superuserPassword: password, dispose: () => Promise.resolve() };
}

/**
 * A cluster of its own in a temporary folder, on a free port, run by the same supervisor code as the stack's
 * (initdb, unprivileged user under root, readiness probe); `dispose` stops it by pid and deletes the folder.
 */
export async function temporaryCluster(): Promise<ScratchCluster> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-scratch-'));
  // The unprivileged postgres user (when we are root) must reach the cluster folder inside it.
  chmodSync(root, 0o755);
  const port = await freePort();
  const superuserPassword = randomBytes(18).toString('base64url');
  const user = postgresUser();
  const found = findPostgresBinaries();
  const binaries = user ? reachableBinaries(found, user.uid, user.gid, ROOT_BINARY_CACHE) : found;
  const supervisor = new Supervisor(
    [postgresService({ pgdata: path.join(root, 'postgres'), port, binaries, user, superuserPassword })],
    path.join(root, 'logs'),
    new ProcessRegistry(path.join(root, 'run', 'processes.json')),
  );
  const dispose = async (): Promise<void> => {
    await supervisor.stopAll('scratch cluster no longer needed');
    rmSync(root, { recursive: true, force: true });
  };
  const outcome = await supervisor.startAll();
  if (!outcome.ok) {
    const tail = supervisor.logs
      .tail('postgres', 10)
      .map((l) => l.text)
      .join(' | ');
    await dispose();
    throw new Error(`the temporary Postgres for the scratch database did not start: ${tail}`);
  }
  return { kind: 'temporary', port, superuserPassword, dispose };
}

/** The stack's cluster when it runs, else a temporary one. */
export async function openScratchCluster(port: number, secretsFile: string): Promise<ScratchCluster> {
  return (await stackCluster(port, secretsFile)) ?? (await temporaryCluster());
}

function readSuperuserPassword(secretsFile: string): string | null {
  if (!existsSync(secretsFile)) return null;
  try {
    const parsed = JSON.parse(readFileSync(secretsFile, 'utf8')) as { superuserPassword?: unknown };
    return typeof parsed.superuserPassword === 'string' ? parsed.superuserPassword : null;
  } catch {
    return null;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
