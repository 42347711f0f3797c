import { existsSync } from 'node:fs';
import path from 'node:path';

import type pg from 'pg';

import { readSqlFile, type SqlFile } from '../services/migrate/migration-files.js';
import { describeSqlError } from '../services/migrate/sql-error.js';
import type { CleanupStack } from './cleanup-stack.js';
import { parsePendingFile, type ParsedPendingFile } from './pending-file.js';
import type { Progress } from './progress.js';
import { connectTarget, parseTarget, serverVersion, type TargetDatabase } from './target-database.js';

/** Where applied pending files are recorded in the target, beside the Supabase CLI's own history. */
export const APPLIED_TABLE = 'supabase_migrations.applied_pending_files';

/** What is about to be applied, for the confirmation. */
export interface ApplyPlan {
  readonly file: SqlFile;
  readonly parsed: ParsedPendingFile;
  readonly target: TargetDatabase;
  readonly targetServer: string;
}

/** What an application did. */
export interface ApplyResult {
  readonly file: string;
  readonly checksum: string;
  readonly target: string;
  readonly statements: number;
  readonly elapsedMs: number;
  readonly at: string;
}

/** A pending file that may not be applied (wrong target, applied already, a transaction of its own). */
export class ApplyRefused extends Error {}

/**
 * Applies one pending file to the target in a single transaction, after `confirm` agrees, and records it in
 * `supabase_migrations.applied_pending_files` in that same transaction: the statements and the record commit
 * together or not at all. Refuses a file diffed against another database, one applied there already, and
 * one that manages its own transaction.
 */
export async function applyPendingFile(options: {
  readonly file: string;
  readonly target: TargetDatabase;
  readonly confirm: (plan: ApplyPlan) => Promise<boolean>;
  readonly progress: Progress;
  readonly cleanup: CleanupStack;
}): Promise<ApplyResult | null> {
  const { target, progress } = options;
  if (!existsSync(options.file)) throw new ApplyRefused(`${options.file} does not exist`);
  const file = readSqlFile(options.file);
  const parsed = await parsePendingFile(file.sql);
  if (parsed.syntaxError) throw new ApplyRefused(`${file.fileName} is not valid SQL: ${parsed.syntaxError}`);
  if (parsed.statements.length === 0) throw new ApplyRefused(`${file.fileName} has no statements to apply`);
  if (parsed.header) {
    const diffedAgainst = parseTarget(parsed.header.target).identity;
    if (diffedAgainst !== target.identity) {
      throw new ApplyRefused(
        `${file.fileName} was diffed against ${parsed.header.target}, not ${target.display}; run \`flow-desktop db diff\` against this target instead`,
      );
    }
  }
  // Transaction control, found by Postgres's parser (a `BEGIN ATOMIC … END` body is part of its function).
  const control = parsed.parsed.find((s) => s.kind === 'TransactionStmt');
  if (control) {
    throw new ApplyRefused(
      `${file.fileName} contains "${control.sql.split('\n')[0] ?? control.sql}" (line ${control.line}); remove it: db apply runs the whole file in one transaction`,
    );
  }
  const client = await progress.phase(`connecting to ${target.display}`, () =>
    connectTarget(target, 'flow-desktop-db-apply'),
  );
  options.cleanup.push(() => client.end());
  const previous = await appliedAt(client, file.fileName);
  if (previous) {
    throw new ApplyRefused(`${file.fileName} was applied to ${target.display} already, on ${previous}`);
  }
  const plan: ApplyPlan = { file, parsed, target, targetServer: (await serverVersion(client)).text };
  if (!(await options.confirm(plan))) return null;
  const started = Date.now();
  await progress.phase(`applying ${parsed.statements.length} statements in one transaction`, async () => {
    await client.query('begin');
    try {
      // No parameters: the simple protocol runs the whole file, comments and all, as one batch.
      await client.query(file.sql);
    } catch (error: unknown) {
      await client.query('rollback').catch(() => undefined);
      throw new Error(`${describeSqlError(file, error)}; nothing was applied (rolled back)`);
    }
    try {
      await record(client, file, parsed.statements.length);
      await client.query('commit');
    } catch (error: unknown) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
  });
  return {
    file: file.fileName,
    checksum: file.checksum,
    target: target.display,
    statements: parsed.statements.length,
    elapsedMs: Date.now() - started,
    at: new Date().toISOString(),
  };
}

async function appliedAt(client: pg.Client, fileName: string): Promise<string | null> {
  const { rows } = await client.query<{ exists: boolean }>(`select to_regclass($1) is not null as exists`, [
    APPLIED_TABLE,
  ]);
  if (!rows[0]?.exists) return null;
  const found = await client.query<{ at: string }>(
    `select to_char(applied_at at time zone 'utc', 'YYYY-MM-DD HH24:MI:SS "UTC"') as at
       from ${APPLIED_TABLE} where file = $1`,
    [fileName],
  );
  return found.rows[0]?.at ?? null;
}

async function record(client: pg.Client, file: SqlFile, statements: number): Promise<void> {
  // Created only when missing: CREATE ... IF NOT EXISTS would still need privileges the owner may not have.
  const { rows } = await client.query<{ schema: boolean; table: boolean }>(
    `select to_regnamespace('supabase_migrations') is not null as schema, to_regclass($1) is not null as table`,
    [APPLIED_TABLE],
  );
  if (!rows[0]?.schema) await client.query('create schema supabase_migrations');
  if (!rows[0]?.table) {
    await client.query(`
      create table ${APPLIED_TABLE} (
        file text primary key,
        checksum text not null,
        statements integer not null,
        sql text not null,
        applied_at timestamptz not null default now(),
        applied_by text not null default current_user
      );
      comment on table ${APPLIED_TABLE} is
        'Pending files (supabase/pending) applied by flow-desktop db apply; the Supabase CLI keeps its own history in schema_migrations.';`);
  }
  await client.query(
    `insert into ${APPLIED_TABLE} (file, checksum, statements, sql) values ($1, $2, $3, $4)`,
    [path.basename(file.file), file.checksum, statements, file.sql],
  );
}
