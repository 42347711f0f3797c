import pg from 'pg';

import { isAlive } from '../process/process-group.js';
import { databaseUrls, migrateDatabase } from '../services/migrate/database-migrator.js';
import { checksum, listMigrations, type SqlFile } from '../services/migrate/migration-files.js';
import { describeSqlError } from '../services/migrate/sql-error.js';
import type { Progress } from './progress.js';
import type { ScratchCluster } from './scratch-cluster.js';

/** The schemas production is converged on (the rest belongs to Supabase). */
export const DIFF_SCHEMAS: readonly string[] = ['public', 'internal'];

/** The migrations a scratch database was built from. */
export interface MigrationSet {
  readonly dir: string;
  readonly files: readonly SqlFile[];
  /** The newest file, or `(none)`. */
  readonly head: string;
  /** sha256 over every file's checksum, in order: changes whenever any migration changes. */
  readonly checksum: string;
}

/**
 * A throw-away database with the bootstrap and the migrations applied, and for each object of the diffed
 * schemas the migration file that created it (`schema:<name>`, `class:<oid>`, `column:<oid>:<attnum>`,
 * `proc:<oid>`, `type:<oid>`, `policy:<oid>` → file name).
 */
export interface ScratchDatabase {
  readonly name: string;
  /** As role `postgres`, the migration owner, as on Supabase. */
  readonly ownerUrl: string;
  readonly migrations: MigrationSet;
  readonly origins: ReadonlyMap<string, string>;
  drop(): Promise<void>;
}

/** The origin of objects that existed before the first migration (made by the bootstrap). */
export const BOOTSTRAP_ORIGIN = '(bootstrap)';

const PREFIX = 'flow_desktop_scratch_';
let counter = 0;

/** Reads a migrations folder (`<version>_<name>.sql` files in version order). */
export function readMigrationSet(dir: string): MigrationSet {
  const { files } = listMigrations(dir);
  return {
    dir,
    files,
    head: files.at(-1)?.fileName ?? '(none)',
    checksum: checksum(files.map((f) => f.checksum).join('\n')),
  };
}

/**
 * Creates a scratch database in `cluster`, applies the embedded Supabase bootstrap of `supabaseDir` and then
 * each migration of `migrations` in its own transaction as `postgres` (as the stack does), noting which file
 * created which object. Scratch databases of processes that died are dropped first.
 */
export async function createScratchDatabase(
  cluster: ScratchCluster,
  supabaseDir: string,
  migrations: MigrationSet,
  progress: Progress,
): Promise<ScratchDatabase> {
  const name = `${PREFIX}${process.pid}_${Date.now().toString(36)}_${++counter}`;
  const urls = databaseUrls(cluster.port, cluster.superuserPassword, name);
  const drop = async (): Promise<void> => {
    await withClient(urls.maintenance, (c) => c.query(`drop database if exists ${name} with (force)`));
  };
  await dropAbandoned(urls.maintenance);
  const origins = new Map<string, string>();
  try {
    await progress.phase('applying the Supabase bootstrap to a scratch database', () =>
      migrateDatabase(urls, supabaseDir, () => undefined, { migrations: false }),
    );
    await progress.phase(`applying ${migrations.files.length} migrations (head ${migrations.head})`, () =>
      withClient(urls.owner, async (client) => {
        for (const key of await objectKeys(client)) origins.set(key, BOOTSTRAP_ORIGIN);
        for (const file of migrations.files) {
          await applyFile(client, file);
          for (const key of await objectKeys(client)) if (!origins.has(key)) origins.set(key, file.fileName);
        }
      }),
    );
  } catch (error: unknown) {
    await drop().catch(() => undefined);
    throw error;
  }
  return { name, ownerUrl: urls.owner, migrations, origins, drop };
}

async function applyFile(client: pg.Client, file: SqlFile): Promise<void> {
  await client.query('begin');
  try {
    await client.query(file.sql);
    await client.query('commit');
  } catch (error: unknown) {
    await client.query('rollback').catch(() => undefined);
    throw new Error(`migration ${describeSqlError(file, error)}`);
  }
}

/** Every object of the diffed schemas, as origin keys. */
async function objectKeys(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ key: string }>(
    `with ns as (select oid, nspname from pg_namespace where nspname = any($1))
     select 'schema:' || nspname as key from ns
     union all
     select 'class:' || c.oid from pg_class c where c.relnamespace in (select oid from ns)
     union all
     select 'column:' || a.attrelid || ':' || a.attnum from pg_attribute a
       join pg_class c on c.oid = a.attrelid
      where c.relnamespace in (select oid from ns) and a.attnum > 0 and not a.attisdropped
     union all
     select 'proc:' || p.oid from pg_proc p where p.pronamespace in (select oid from ns)
     union all
     select 'type:' || t.oid from pg_type t where t.typnamespace in (select oid from ns)
     union all
     select 'policy:' || pol.oid from pg_policy pol
       join pg_class c on c.oid = pol.polrelid where c.relnamespace in (select oid from ns)`,
    [DIFF_SCHEMAS],
  );
  return rows.map((r) => r.key);
}

/** Drops scratch databases left by runs that were killed (their pid, part of the name, is gone). */
async function dropAbandoned(maintenanceUrl: string): Promise<void> {
  await withClient(maintenanceUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      `select datname from pg_database where datname like $1`,
      [`${PREFIX}%`],
    );
    for (const { datname } of rows) {
      const pid = Number(/^flow_desktop_scratch_(\d+)_/.exec(datname)?.[1]);
      if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) {
        await client.query(`drop database if exists ${client.escapeIdentifier(datname)} with (force)`);
      }
    }
  });
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'flow-desktop-scratch' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
