import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import pg from 'pg';

import type {
  ControlRoutes,
  LintReport,
  LocalMigration,
  MigrationsInfo,
  PendingFileInfo,
} from '../../shared/control-api.js';
import { CleanupStack } from '../db-tools/cleanup-stack.js';
import { DbToolsState } from '../db-tools/db-tools-state.js';
import { runLint } from '../db-tools/lint-run.js';
import { defaultPendingDir } from '../db-tools/pending-dir.js';
import { parsePendingFile } from '../db-tools/pending-file.js';
import { SILENT } from '../db-tools/progress.js';
import { readMigrationSet } from '../db-tools/scratch-database.js';
import { ControlRequestError } from '../control/control-server.js';
import { databaseUrls } from '../services/migrate/database-migrator.js';
import { checksum } from '../services/migrate/migration-files.js';
import type { LocalStack } from './local-stack.js';

type MigrationRoutes = 'GET /v1/migrations' | 'GET /v1/migrations/pending' | 'POST /v1/migrations/lint';

/** The control API handlers of the GUI's migrations page. */
export type MigrationsHandlers = {
  readonly [R in MigrationRoutes]: (
    request: ControlRoutes[R]['request'],
  ) => Promise<ControlRoutes[R]['response']>;
};

/**
 * Serves the migrations page: the local migrations and whether the stack's database applied them, the pending
 * files, and what `db diff`, `db lint` and `db test` last recorded for this data directory. Lint can also
 * run here, on a scratch database in the stack's cluster.
 */
export function migrationsHandlers(stack: LocalStack): MigrationsHandlers {
  const config = stack.config;
  const migrationsDir = path.join(config.supabaseDir, 'migrations');
  const pendingDir = defaultPendingDir(config);
  const state = new DbToolsState(config.layout.root);
  let linting: Promise<LintReport> | null = null;

  return {
    'GET /v1/migrations': async (): Promise<MigrationsInfo> => {
      const { local, note } = await localMigrations(
        migrationsDir,
        databaseUrls(config.ports.db, stack.secrets.superuserPassword).owner,
      );
      return {
        migrationsDir,
        pendingDir,
        local,
        localNote: note,
        lastDiff: state.lastDiff(),
        pending: await pendingFiles(pendingDir, state),
        lint: state.lint(),
        databaseTests: state.databaseTests(),
      };
    },
    'GET /v1/migrations/pending': (request) => {
      const file = request.file;
      // Only plain names of files in the pending folder: no paths, no way out of it.
      if (
        typeof file !== 'string' ||
        !/^[\w.-]+\.sql$/.test(file) ||
        !existsSync(path.join(pendingDir, file))
      ) {
        throw new ControlRequestError(
          404,
          'no_pending_file',
          `no pending file "${String(file)}" in ${pendingDir}`,
        );
      }
      const text = readFileSync(path.join(pendingDir, file), 'utf8');
      return parsePendingFile(text).then(({ statements, destructive, noise }) => ({
        file,
        text,
        statements,
        destructive,
        noise,
      }));
    },
    'POST /v1/migrations/lint': () => {
      // One lint at a time: a second click waits for the run in progress.
      linting ??= (async () => {
        const cleanup = new CleanupStack();
        try {
          const report = await runLint({
            supabaseDir: config.supabaseDir,
            migrationsDir,
            stack: { port: config.ports.db, secretsFile: config.layout.secretsFile },
            progress: SILENT,
            cleanup,
          });
          state.saveLint(report);
          return report;
        } catch (error: unknown) {
          throw new ControlRequestError(
            422,
            'lint_failed',
            error instanceof Error ? error.message : String(error),
          );
        } finally {
          await cleanup.run();
          linting = null;
        }
      })();
      return linting;
    },
  };
}

async function localMigrations(
  dir: string,
  databaseUrl: string,
): Promise<{ local: LocalMigration[]; note: string | null }> {
  const files = readMigrationSet(dir).files;
  let applied: Map<string, string | null> | null = null;
  let note: string | null = null;
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ version: string; checksum: string | null }>(
      `select version, checksum from supabase_migrations.schema_migrations`,
    );
    applied = new Map(rows.map((r) => [r.version, r.checksum]));
  } catch (error: unknown) {
    const code = (error as { code?: string }).code;
    // No history table yet: the database exists but nothing was migrated.
    if (code === '42P01') applied = new Map();
    else
      note = `the stack's database does not answer, so whether each migration is applied is unknown (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
  return {
    note,
    local: files.map((f) => {
      const recorded = applied?.get(f.version);
      return {
        file: f.fileName,
        version: f.version,
        checksum: f.checksum,
        applied: applied === null ? null : applied.has(f.version),
        changed: typeof recorded === 'string' && recorded !== f.checksum,
      };
    }),
  };
}

async function pendingFiles(dir: string, state: DbToolsState): Promise<PendingFileInfo[]> {
  if (!existsSync(dir)) return [];
  const history = state.applied();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  return Promise.all(
    files.map(async (file) => {
      const text = readFileSync(path.join(dir, file), 'utf8');
      const parsed = await parsePendingFile(text);
      const sum = checksum(text);
      return {
        file,
        header: parsed.header,
        statements: parsed.statements.length,
        noise: parsed.noise.length,
        destructive: parsed.destructive.length,
        applied: history
          .filter((h) => h.file === file && h.checksum === sum)
          .map((h) => ({ target: h.target, at: h.at })),
      };
    }),
  );
}
