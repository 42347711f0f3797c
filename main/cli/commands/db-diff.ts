import path from 'node:path';

import { DbToolsState } from '../../db-tools/db-tools-state.js';
import { runDiff } from '../../db-tools/diff-run.js';
import { checkPendingName } from '../../db-tools/pending-file.js';
import { streamProgress } from '../../db-tools/progress.js';
import { parseTarget } from '../../db-tools/target-database.js';
import { CliError } from '../cli-error.js';
import { print, printJson } from '../output.js';
import { configFromFlags } from '../stack-options.js';
import { count, dbPaths, type DbFlags, withCleanup } from './db-shared.js';

/** Flags of `db diff`. */
export interface DbDiffFlags extends DbFlags {
  readonly target?: string;
  readonly name?: string;
  readonly pendingDir?: string;
}

/**
 * `flow-desktop db diff --target <url>`: what it takes to bring the target to the migrations, written to
 * supabase/pending/ for review. Progress goes to stderr; the result to stdout.
 */
export async function dbDiffCommand(flags: DbDiffFlags): Promise<void> {
  const config = configFromFlags(flags);
  const paths = dbPaths(config, flags);
  const target = parseTarget(flags.target);
  let name: string;
  try {
    name = checkPendingName(flags.name ?? 'diff');
  } catch (error: unknown) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  const result = await withCleanup((cleanup) =>
    runDiff({
      target,
      name,
      ...paths,
      stack: { port: config.ports.db, secretsFile: config.layout.secretsFile },
      progress: streamProgress(process.stderr),
      cleanup,
    }),
  );
  new DbToolsState(config.layout.root).saveDiff(result.summary);
  const s = result.summary;
  if (flags.json) {
    printJson({ ...s, path: result.path });
    return;
  }
  if (result.path === null) {
    print(`No changes: ${s.target} matches the migrations (head ${s.migrationsHead}); nothing written.`);
  } else {
    print(`Wrote ${path.relative(process.cwd(), result.path) || result.path}`);
    print(`  ${count(s.statements, 'statement')} to apply to ${s.target} (${s.targetServer})`);
    for (const d of s.destructive) print(`  destructive: ${d.split('\n')[0] ?? d}`);
  }
  if (s.noise.length > 0) {
    print(`  ${count(s.noise.length, 'statement')} flagged as privilege-reordering noise (not applied):`);
    for (const n of s.noise) print(`    ${n}`);
  }
  for (const w of s.warnings) print(`  warning: ${w}`);
  if (result.path !== null) {
    print('Review it, then apply it with `flow-desktop db apply --target <url> <file>`.');
  }
}
