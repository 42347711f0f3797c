import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';

import { ProcessRegistry } from '../../main/process/process-registry.js';
import { databaseUrls, migrateDatabase } from '../../main/services/migrate/database-migrator.js';
import { findPostgresBinaries, reachableBinaries } from '../../main/services/postgres/postgres-binaries.js';
import { postgresService } from '../../main/services/postgres/postgres-service.js';
import { postgresUser } from '../../main/services/postgres/postgres-user.js';
import { SUPABASE_DIR } from '../../main/stack/project-paths.js';
import { Supervisor } from '../../main/supervisor/supervisor.js';
import { freePort } from './free-port.js';

/** A database made for a test, from a template with the bootstrap (and by default migrations and seed). */
export interface TestDatabase {
  readonly name: string;
  /** Connects as role `postgres`, the migration owner. */
  readonly url: string;
  /** Connects as the cluster superuser. */
  readonly adminUrl: string;
  drop(): Promise<void>;
}

/** A real Postgres cluster in a temporary folder, run by the real supervisor. */
export interface TestCluster {
  /** Superuser (supabase_admin) on template1. */
  readonly adminUrl: string;
  readonly port: number;
  createDatabase(opts?: { migrations?: boolean; seed?: boolean }): Promise<TestDatabase>;
  stop(): Promise<void>;
}

const SUPERUSER_PASSWORD = 'test-superuser';

/** Starts a cluster on a free port; call stop() in afterAll. */
export async function startTestCluster(supabaseDir = SUPABASE_DIR): Promise<TestCluster> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-pg-'));
  chmodSync(root, 0o755);
  const port = await freePort();
  const user = postgresUser();
  const binaries = user
    ? reachableBinaries(
        findPostgresBinaries(),
        user.uid,
        user.gid,
        path.join(os.tmpdir(), 'flow-desktop-cache'),
      )
    : findPostgresBinaries();
  const supervisor = new Supervisor(
    [
      postgresService({
        pgdata: path.join(root, 'postgres'),
        port,
        binaries,
        user,
        superuserPassword: SUPERUSER_PASSWORD,
      }),
    ],
    path.join(root, 'logs'),
    new ProcessRegistry(path.join(root, 'run', 'processes.json')),
  );
  const outcome = await supervisor.startAll();
  if (!outcome.ok) {
    const tail = supervisor.logs
      .tail('postgres', 20)
      .map((l) => l.text)
      .join('\n');
    await supervisor.stopAll();
    throw new Error(`test Postgres did not start:\n${tail}`);
  }
  const maintenance = databaseUrls(port, SUPERUSER_PASSWORD, 'template1').admin;
  const templates = new Map<string, Promise<string>>();
  let counter = 0;

  const template = (migrations: boolean, seed: boolean): Promise<string> => {
    const name = `template_${migrations ? 'm' : 'b'}${seed ? 's' : ''}`;
    let made = templates.get(name);
    if (!made) {
      made = migrateDatabase(databaseUrls(port, SUPERUSER_PASSWORD, name), supabaseDir, () => undefined, {
        migrations,
        seed,
      }).then(() => name);
      templates.set(name, made);
    }
    return made;
  };

  return {
    adminUrl: maintenance,
    port,
    async createDatabase(opts = {}) {
      const from = await template(opts.migrations ?? true, opts.seed ?? true);
      const name = `test_${process.pid}_${++counter}`;
      // Owned by postgres, as the stack's database is, so tests can create schemas as the migration owner.
      await withClient(maintenance, (c) =>
        c.query(`create database ${name} template ${from} owner postgres`),
      );
      const urls = databaseUrls(port, SUPERUSER_PASSWORD, name);
      return {
        name,
        url: urls.owner,
        adminUrl: urls.admin,
        drop: () =>
          withClient(maintenance, (c) => c.query(`drop database if exists ${name} with (force)`)).then(
            () => undefined,
          ),
      };
    },
    async stop() {
      await supervisor.stopAll();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
