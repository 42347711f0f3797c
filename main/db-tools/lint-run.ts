import pg from 'pg';

import type { LintFinding, LintReport } from '../../shared/control-api.js';
import type { CleanupStack } from './cleanup-stack.js';
import { CATALOG_RULES, KEYWORD_RULE, keywordFindings } from './lint-rules.js';
import type { Progress } from './progress.js';
import { stackCluster, temporaryCluster } from './scratch-cluster.js';
import { BOOTSTRAP_ORIGIN, createScratchDatabase, readMigrationSet } from './scratch-database.js';

/** What `db lint` needs. */
export interface LintRunOptions {
  readonly supabaseDir: string;
  readonly migrationsDir: string;
  /** The stack whose running cluster may host the scratch database. */
  readonly stack: { readonly port: number; readonly secretsFile: string };
  readonly progress: Progress;
  readonly cleanup: CleanupStack;
}

/**
 * Applies the migrations to a scratch database and checks the resulting catalog against the brief's rules,
 * naming for each finding the migration file that created the object. Objects of the bootstrap are not the
 * migrations' business and are left out.
 */
export async function runLint(options: LintRunOptions): Promise<LintReport> {
  const { progress, cleanup } = options;
  const started = Date.now();
  const migrations = readMigrationSet(options.migrationsDir);
  if (migrations.files.length === 0) throw new Error(`no migrations in ${options.migrationsDir}`);
  const cluster =
    (await stackCluster(options.stack.port, options.stack.secretsFile)) ??
    (await progress.phase('starting a temporary Postgres for the scratch database', temporaryCluster));
  cleanup.push(() => cluster.dispose());
  const scratch = await createScratchDatabase(cluster, options.supabaseDir, migrations, progress);
  cleanup.push(() => scratch.drop());
  const findings = await progress.phase(`checking ${CATALOG_RULES.length + 1} rules`, async () => {
    const client = new pg.Client({
      connectionString: scratch.ownerUrl,
      application_name: 'flow-desktop-db-lint',
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      // Object names come out schema-qualified.
      await client.query('set search_path = pg_catalog');
      const found: LintFinding[] = [];
      for (const rule of CATALOG_RULES) {
        // By position: the unions of a rule name their columns only in the first branch, if at all.
        const { rows } = await client.query<[string, string, string]>({ text: rule.sql, rowMode: 'array' });
        for (const [origin, object, message] of rows) {
          const file = scratch.origins.get(origin) ?? null;
          if (file === BOOTSTRAP_ORIGIN) continue;
          found.push({ rule: rule.id, file, object, message });
        }
      }
      for (const f of await keywordFindings(migrations.files)) {
        found.push({ rule: f.rule, file: f.file, object: f.object, message: f.message });
      }
      return found;
    } finally {
      await client.end().catch(() => undefined);
    }
  });
  findings.sort((a, b) => (a.file ?? '~').localeCompare(b.file ?? '~') || a.object.localeCompare(b.object));
  return {
    at: new Date().toISOString(),
    elapsedMs: Date.now() - started,
    migrations: migrations.files.length,
    rules: [...CATALOG_RULES.map((r) => r.id), KEYWORD_RULE.id],
    findings,
  };
}
