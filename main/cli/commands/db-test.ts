import { findDatabaseTests, runDatabaseTests } from '../../db-tools/database-tests.js';
import { DbToolsState } from '../../db-tools/db-tools-state.js';
import { PROJECT_ROOT } from '../../stack/project-paths.js';
import { CliError } from '../cli-error.js';
import { print, printJson } from '../output.js';
import { configFromFlags, type StackFlags } from '../stack-options.js';

/**
 * `flow-desktop db test`: runs the database tests (supabase/tests) and records the results in the data
 * directory, where the GUI's migrations page shows them. Needs a development checkout: a packaged app has
 * neither the tests nor vitest.
 */
export async function dbTestCommand(flags: StackFlags): Promise<void> {
  const config = configFromFlags(flags);
  const setup = findDatabaseTests(PROJECT_ROOT);
  if (!setup) {
    throw new CliError(
      'the database tests need a development checkout (supabase/tests and vitest); run `npm ci` in one',
    );
  }
  // vitest's own progress goes to stderr; stdout is the summary (or the JSON report).
  const report = await runDatabaseTests(setup, process.stderr);
  new DbToolsState(config.layout.root).saveDatabaseTests(report);
  if (flags.json) printJson(report);
  else {
    for (const t of report.tests.filter((t) => t.status === 'failed')) {
      print(`failed: ${t.file}: ${t.name}: ${t.failure ?? ''}`);
    }
    print(
      `Database tests: ${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped in ${(report.durationMs / 1000).toFixed(1)}s (recorded for the GUI).`,
    );
  }
  if (report.failed > 0) throw new CliError(`${report.failed} database tests failed`);
}
