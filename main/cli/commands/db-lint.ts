import { DbToolsState } from '../../db-tools/db-tools-state.js';
import { runLint } from '../../db-tools/lint-run.js';
import { streamProgress } from '../../db-tools/progress.js';
import { CliError } from '../cli-error.js';
import { print, printJson } from '../output.js';
import { configFromFlags } from '../stack-options.js';
import { dbPaths, type DbFlags, withCleanup } from './db-shared.js';

/**
 * `flow-desktop db lint`: applies the migrations to a scratch database and checks the catalog (RLS on every
 * public table, comments, views under the caller's RLS, what anon may do, ...). One line per finding on
 * stdout, naming the file and the object; exit code 1 when there are findings.
 */
export async function dbLintCommand(flags: DbFlags): Promise<void> {
  const config = configFromFlags(flags);
  const paths = dbPaths(config, flags);
  const report = await withCleanup((cleanup) =>
    runLint({
      supabaseDir: paths.supabaseDir,
      migrationsDir: paths.migrationsDir,
      stack: { port: config.ports.db, secretsFile: config.layout.secretsFile },
      progress: streamProgress(process.stderr),
      cleanup,
    }),
  );
  new DbToolsState(config.layout.root).saveLint(report);
  if (flags.json) printJson(report);
  else {
    for (const f of report.findings)
      print(`${f.file ?? '(unknown file)'}: ${f.object}: ${f.message} [${f.rule}]`);
    if (report.findings.length === 0) {
      print(`No findings: ${report.migrations} migrations pass ${report.rules.length} rules.`);
    }
  }
  if (report.findings.length > 0) {
    const n = report.findings.length;
    throw new CliError(`lint found ${n} problem${n === 1 ? '' : 's'} in ${report.migrations} migrations`);
  }
}
