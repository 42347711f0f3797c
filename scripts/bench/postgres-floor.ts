// The physical floor of a cold start: initdb plus the first Postgres start, alone, with the stack's own
// binaries and flags, until the server accepts a connection. No stack can start cold faster than this.
import { execFile, spawn } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import pg from 'pg';

import { terminateGroup } from '../../main/process/process-group.js';
import { findPostgresBinaries, reachableBinaries } from '../../main/services/postgres/postgres-binaries.js';
import { postgresUser } from '../../main/services/postgres/postgres-user.js';
import { freePort } from '../../test/support/free-port.js';

const run = promisify(execFile);

/** Milliseconds from initdb's start to the first accepted connection of a new cluster. */
export async function initdbAndFirstStart(): Promise<number> {
  const user = postgresUser();
  const found = findPostgresBinaries();
  const binaries = user ? reachableBinaries(found, user.uid, user.gid, '/var/cache/flow-desktop') : found;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-bench-floor-'));
  const pgdata = path.join(dir, 'pgdata');
  mkdirSync(pgdata, { mode: 0o700 });
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chownSync(pgdata, user.uid, user.gid);
  }
  const port = await freePort();
  const ids = user ? { uid: user.uid, gid: user.gid } : {};
  const env = { ...process.env, LC_ALL: 'C.UTF-8' };
  const begun = performance.now();
  // The flags of main/services/postgres/postgres-cluster.ts and postgres-service.ts (trust instead of a
  // password file: the floor has no secrets to write).
  const initdbArgs = ['-D', pgdata, '-U', 'supabase_admin', '--auth=trust', '--encoding=UTF8'];
  initdbArgs.push('--locale=C.UTF-8', '--no-sync', '--no-instructions');
  await run(binaries.initdb, initdbArgs, { ...ids, env });
  const server = spawn(
    binaries.postgres,
    [
      '-D',
      pgdata,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
    ].concat(['-c', 'wal_level=logical', '-c', 'max_connections=200']),
    { ...ids, env, detached: true, stdio: 'ignore' },
  );
  try {
    for (;;) {
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'supabase_admin', database: 'postgres' });
      try {
        await client.connect();
        await client.end();
        return performance.now() - begun;
      } catch {
        await client.end().catch(() => undefined);
        if (server.exitCode !== null) throw new Error(`postgres exited with ${server.exitCode}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  } finally {
    if (server.pid) await terminateGroup(server.pid, 'SIGINT', 10_000);
    rmSync(dir, { recursive: true, force: true });
  }
}
