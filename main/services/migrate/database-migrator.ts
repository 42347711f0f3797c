import path from 'node:path';

import pg from 'pg';

import { superuserUrl } from '../postgres/postgres-service.js';

import { checksum, listMigrations, listSqlFiles, readSqlFile, type SqlFile } from './migration-files.js';
import { describeSqlError } from './sql-error.js';
import { existsSync } from 'node:fs';

/** Connection strings the migrator needs, for one database of a cluster. */
export interface DatabaseUrls {
  /** The database these URLs are about (`postgres` on the stack). */
  readonly database: string;
  /** Superuser on that database: runs the bootstrap. */
  readonly admin: string;
  /** Role `postgres` on that database: runs migrations and seed, as on Supabase. */
  readonly owner: string;
  /** Superuser on template1: creates and drops the database. */
  readonly maintenance: string;
}

/** The URLs of one database of a local cluster. */
export function databaseUrls(port: number, superuserPassword: string, database = 'postgres'): DatabaseUrls {
  return {
    database,
    admin: superuserUrl(port, superuserPassword, database),
    owner: `postgresql://postgres:postgres@127.0.0.1:${port}/${database}`,
    maintenance: superuserUrl(port, superuserPassword, 'template1'),
  };
}

/** Which steps to run (tests may want a bare bootstrap, or migrations without the seed). */
export interface MigrateSteps {
  readonly migrations?: boolean;
  readonly seed?: boolean;
}

/** What a migration run did. */
export interface MigrateResult {
  readonly bootstrapped: boolean;
  readonly applied: readonly string[];
  readonly seeded: boolean;
}

/** A changed, already-applied migration: the database no longer matches the files. */
export class MigrationChangedError extends Error {}

const LOCK_KEY = 4_242_001;

/**
 * Brings the `postgres` database up to date: the embedded Supabase bootstrap (when it changed), then every
 * migration not applied yet, each in its own transaction and recorded with its checksum, then the seed once.
 */
export async function migrateDatabase(
  urls: DatabaseUrls,
  supabaseDir: string,
  log: (text: string) => void,
  steps: MigrateSteps = {},
): Promise<MigrateResult> {
  await ensureDatabaseExists(urls.maintenance, urls.database, log);
  const admin = await connect(urls.admin);
  try {
    // Serialises concurrent runs (two CLI calls, a test racing a start) on the same database.
    await admin.query('select pg_advisory_lock($1)', [LOCK_KEY]);
    const bootstrapped = await applyBootstrap(admin, path.join(supabaseDir, 'bootstrap'), log);
    const owner = await connect(urls.owner);
    try {
      const applied =
        steps.migrations === false
          ? []
          : await applyMigrations(owner, path.join(supabaseDir, 'migrations'), log);
      const seeded =
        steps.migrations === false || steps.seed === false
          ? false
          : await applySeed(owner, path.join(supabaseDir, 'seed.sql'), log);
      return { bootstrapped, applied, seeded };
    } finally {
      await owner.end();
    }
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/** Drops the database (disconnecting its sessions) and creates it empty again. */
export async function recreateDatabase(urls: DatabaseUrls, log: (text: string) => void): Promise<void> {
  const client = await connect(urls.maintenance);
  try {
    const name = client.escapeIdentifier(urls.database);
    await client.query(`drop database if exists ${name} with (force)`);
    // template0: template1 is where health probes connect, and CREATE DATABASE needs its template idle.
    await client.query(`create database ${name} template template0 encoding 'UTF8'`);
    log(`database "${urls.database}" dropped and created again`);
  } finally {
    await client.end();
  }
}

async function ensureDatabaseExists(
  maintenanceUrl: string,
  database: string,
  log: (text: string) => void,
): Promise<void> {
  const client = await connect(maintenanceUrl);
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (rowCount === 0) {
      await client.query(
        `create database ${client.escapeIdentifier(database)} template template0 encoding 'UTF8'`,
      );
      log(`database "${database}" was missing; created it`);
    }
  } finally {
    await client.end();
  }
}

async function applyBootstrap(admin: pg.Client, dir: string, log: (text: string) => void): Promise<boolean> {
  const files = listSqlFiles(dir);
  if (files.length === 0) throw new Error(`no bootstrap SQL in ${dir}`);
  const sum = checksum(files.map((f) => f.checksum).join('\n'));
  const { rows } = await admin
    .query<{ checksum: string }>(
      `select checksum from flow_desktop.applied where kind = 'bootstrap' and name = 'embedded'`,
    )
    .catch(() => ({ rows: [] as { checksum: string }[] }));
  if (rows[0]?.checksum === sum) return false;
  const started = Date.now();
  await inTransaction(admin, async () => {
    for (const file of files) await runFile(admin, file);
    await admin.query(BOOKKEEPING_SQL);
    await admin.query(
      `insert into flow_desktop.applied (kind, name, checksum) values ('bootstrap', 'embedded', $1)
       on conflict (kind, name) do update set checksum = excluded.checksum, applied_at = now()`,
      [sum],
    );
  });
  log(`Supabase bootstrap applied (${files.length} files, ${Date.now() - started} ms)`);
  return true;
}

const BOOKKEEPING_SQL = `
  create schema if not exists flow_desktop;
  comment on schema flow_desktop is 'Bookkeeping of the Flow Desktop embedded stack; not part of the control plane.';
  create table if not exists flow_desktop.applied (
    kind text not null,
    name text not null,
    checksum text not null,
    applied_at timestamptz not null default now(),
    primary key (kind, name)
  );
  comment on table flow_desktop.applied is 'The bootstrap and seed applied to this database, with their checksums.';
  revoke all on schema flow_desktop from public;
  grant usage on schema flow_desktop to postgres;
  grant select, insert, update on flow_desktop.applied to postgres;
`;

async function applyMigrations(
  owner: pg.Client,
  dir: string,
  log: (text: string) => void,
): Promise<string[]> {
  const { files, skipped } = listMigrations(dir);
  for (const name of skipped) log(`skipping ${name}: migration files are named <version>_<name>.sql`);
  await owner.query(`
    create schema if not exists supabase_migrations;
    create table if not exists supabase_migrations.schema_migrations (version text primary key, statements text[], name text);
    alter table supabase_migrations.schema_migrations add column if not exists checksum text;
    alter table supabase_migrations.schema_migrations add column if not exists applied_at timestamptz default now();
  `);
  const { rows } = await owner.query<{ version: string; name: string | null; checksum: string | null }>(
    'select version, name, checksum from supabase_migrations.schema_migrations',
  );
  const applied = new Map(rows.map((r) => [r.version, r]));
  for (const file of files) {
    const previous = applied.get(file.version);
    if (previous?.checksum && previous.checksum !== file.checksum) {
      throw new MigrationChangedError(
        `migration ${file.fileName} changed after it was applied; run \`flow-desktop reset\` to rebuild the database from the migrations (or restore the file)`,
      );
    }
  }
  const done: string[] = [];
  for (const file of files) {
    if (applied.has(file.version)) continue;
    const started = Date.now();
    await inTransaction(owner, async () => {
      await runFile(owner, file);
      await owner.query(
        'insert into supabase_migrations.schema_migrations (version, name, statements, checksum) values ($1, $2, $3, $4)',
        [file.version, file.name, [file.sql], file.checksum],
      );
    });
    log(`applied migration ${file.fileName} (${Date.now() - started} ms)`);
    done.push(file.fileName);
  }
  if (done.length === 0) log(`migrations up to date (${files.length} applied)`);
  return done;
}

async function applySeed(owner: pg.Client, file: string, log: (text: string) => void): Promise<boolean> {
  const { rowCount } = await owner.query(`select 1 from flow_desktop.applied where kind = 'seed'`);
  if (rowCount !== 0) return false;
  if (!existsSync(file)) {
    log('no supabase/seed.sql; nothing to seed');
    return false;
  }
  const seed = readSqlFile(file);
  const started = Date.now();
  await inTransaction(owner, async () => {
    await runFile(owner, seed);
    await owner.query(`insert into flow_desktop.applied (kind, name, checksum) values ('seed', $1, $2)`, [
      seed.fileName,
      seed.checksum,
    ]);
  });
  log(`seed applied (${Date.now() - started} ms)`);
  return true;
}

async function runFile(client: pg.Client, file: SqlFile): Promise<void> {
  try {
    // No parameters: pg then uses the simple protocol, which accepts a whole file of statements.
    await client.query(file.sql);
  } catch (error: unknown) {
    throw new Error(describeSqlError(file, error));
  }
}

async function inTransaction(client: pg.Client, work: () => Promise<void>): Promise<void> {
  await client.query('begin');
  try {
    await work();
    await client.query('commit');
  } catch (error: unknown) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

async function connect(connectionString: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString, application_name: 'flow-desktop-migrate' });
  client.on('error', () => undefined);
  await client.connect();
  // Migration files may be chatty (NOTICEs of "if not exists"); they are not errors.
  return client;
}
