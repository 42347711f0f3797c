import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import pg from 'pg';

import type { DiffSummary } from '../../shared/control-api.js';
import type { CleanupStack } from './cleanup-stack.js';
import { pendingFileName, renderPendingFile } from './pending-file.js';
import type { Progress } from './progress.js';
import { stackCluster, temporaryCluster } from './scratch-cluster.js';
import { createScratchDatabase, DIFF_SCHEMAS, readMigrationSet } from './scratch-database.js';
import { diffSchemas } from './schema-diff.js';
import { connectTarget, serverVersion, type TargetDatabase } from './target-database.js';

/** What `db diff` needs. */
export interface DiffRunOptions {
  readonly target: TargetDatabase;
  readonly name: string;
  /** Holds bootstrap/ (the embedded Supabase the migrations expect). */
  readonly supabaseDir: string;
  readonly migrationsDir: string;
  readonly pendingDir: string;
  /** The stack whose running cluster may host the scratch database. */
  readonly stack: { readonly port: number; readonly secretsFile: string };
  readonly progress: Progress;
  readonly cleanup: CleanupStack;
  readonly now?: () => Date;
}

/** The outcome of a diff, with the pending file's full path when one was written. */
export interface DiffRunResult {
  readonly summary: DiffSummary;
  readonly path: string | null;
}

/**
 * Builds the migrations on a scratch database, diffs the target against it and writes the statements to
 * `<pendingDir>/<timestamp>_<name>.sql` (nothing when there is nothing to apply). Connects to the target
 * first, so an unreachable target fails before any scratch work.
 */
export async function runDiff(options: DiffRunOptions): Promise<DiffRunResult> {
  const { target, progress, cleanup } = options;
  const started = Date.now();
  const migrations = readMigrationSet(options.migrationsDir);
  if (migrations.files.length === 0) throw new Error(`no migrations in ${options.migrationsDir}`);
  const current = await progress.phase(`connecting to ${target.display}`, () =>
    connectTarget(target, 'flow-desktop-db-diff'),
  );
  cleanup.push(() => current.end());
  const server = await serverVersion(current);
  const cluster =
    (await stackCluster(options.stack.port, options.stack.secretsFile)) ??
    (await progress.phase('starting a temporary Postgres for the scratch database', temporaryCluster));
  cleanup.push(() => cluster.dispose());
  const scratch = await createScratchDatabase(cluster, options.supabaseDir, migrations, progress);
  cleanup.push(() => scratch.drop());
  const desired = new pg.Client({
    connectionString: scratch.ownerUrl,
    application_name: 'flow-desktop-db-diff',
  });
  desired.on('error', () => undefined);
  await desired.connect();
  cleanup.push(() => desired.end());

  const diff = await progress.phase(`diffing ${DIFF_SCHEMAS.join(', ')} against ${target.display}`, () =>
    diffSchemas(
      { client: current, url: target.url },
      { client: desired, url: scratch.ownerUrl },
      DIFF_SCHEMAS,
    ),
  );
  const at = (options.now ?? (() => new Date()))();
  const toApply = diff.statements.filter((s) => !s.noise);
  let file: string | null = null;
  if (toApply.length > 0) {
    mkdirSync(options.pendingDir, { recursive: true });
    file = pendingFileName(options.name, at);
    const full = path.join(options.pendingDir, file);
    if (existsSync(full)) throw new Error(`${full} exists already; wait a second or choose another --name`);
    const text = renderPendingFile(
      {
        name: options.name,
        target: target.display,
        targetServer: server.text,
        generatedAt: at.toISOString(),
        migrationsHead: migrations.head,
        migrationsChecksum: `sha256:${migrations.checksum}`,
        schemas: DIFF_SCHEMAS,
        warnings: diff.warnings,
      },
      diff.statements,
    );
    writeFileSync(full, text);
  }
  return {
    path: file === null ? null : path.join(options.pendingDir, file),
    summary: {
      at: at.toISOString(),
      target: target.display,
      targetServer: server.text,
      migrationsHead: migrations.head,
      migrationsChecksum: `sha256:${migrations.checksum}`,
      elapsedMs: Date.now() - started,
      statements: toApply.length,
      destructive: toApply.filter((s) => s.destructive).map((s) => s.sql),
      noise: diff.statements.filter((s) => s.noise).map((s) => s.sql),
      warnings: diff.warnings,
      file,
      scratch: cluster.kind,
    },
  };
}
