import { Command } from 'commander';

import { action } from './cli-error.js';
import type { DbApplyFlags } from './commands/db-apply.js';
import type { DbDiffFlags } from './commands/db-diff.js';
import type { DbFlags } from './commands/db-shared.js';
import type { LogsFlags } from './commands/logs.js';
import type { ResetFlags } from './commands/reset.js';
import type { StatusFlags } from './commands/status.js';
import type { UpFlags } from './commands/up.js';
import { type StackFlags, withStackFlags } from './stack-options.js';

/**
 * The `flow-desktop` command line: every command, its arguments and flags (docs/cli.md's reference is
 * generated from it). Each command's module is imported only when it runs, so a call loads what it uses:
 * `status` never loads the supervisor, Postgres tooling or migra.
 */
export function cliProgram(version: string): Command {
  const program = new Command('flow-desktop')
    .description(
      'The Flow control plane on your machine: Postgres, the Supabase API, the agent and the data plane.',
    )
    .version(version)
    .showSuggestionAfterError();

  withStackFlags(program.command('up'))
    .description('start the stack (in the foreground; Ctrl-C stops it)')
    .option('-d, --detach', 'start in the background and return once every service is ready')
    .action(action(async (flags: UpFlags) => (await import('./commands/up.js')).upCommand(flags)));

  withStackFlags(program.command('serve'))
    .description('start the stack and serve the GUI on the UI port (headless mode: any browser)')
    .option('-d, --detach', 'start in the background and return once the GUI is reachable')
    .action(action(async (flags: UpFlags) => (await import('./commands/up.js')).serveCommand(flags)));

  withStackFlags(program.command('down'))
    .description('stop the stack (or clean up what a crashed run left behind)')
    .action(action(async (flags: StackFlags) => (await import('./commands/down.js')).downCommand(flags)));

  withStackFlags(program.command('status'))
    .description('show the services and how to connect (keys named like `supabase status`)')
    .option('-o, --output <format>', 'pretty, json or env', 'pretty')
    .action(
      action(async (flags: StatusFlags) => (await import('./commands/status.js')).statusCommand(flags)),
    );

  withStackFlags(program.command('logs'))
    .argument('[service]', 'one service (default: all)')
    .description('show the latest log lines')
    .option('-f, --follow', 'keep printing new lines')
    .option('-n, --lines <n>', 'how many lines', '100')
    .action(
      action(async (service: string | undefined, flags: LogsFlags) =>
        (await import('./commands/logs.js')).logsCommand(service, flags),
      ),
    );

  withStackFlags(program.command('restart'))
    .argument('<service>', 'the service to restart')
    .description('restart one service of the running stack')
    .action(
      action(async (service: string, flags: StackFlags) =>
        (await import('./commands/restart.js')).restartCommand(service, flags),
      ),
    );

  withStackFlags(program.command('reset'))
    .description(
      'drop and recreate the database, then migrate and seed (works even when the stack is broken)',
    )
    .option('-y, --yes', 'do not ask for confirmation')
    .action(action(async (flags: ResetFlags) => (await import('./commands/reset.js')).resetCommand(flags)));

  const db = program
    .command('db')
    .description('production migrations: diff a database against the migrations, apply, lint, test');

  withStackFlags(db.command('diff'))
    .description(
      "diff a database (production) against the migrations; write the statements to supabase/pending/ (a packaged app: the data directory's pending/)",
    )
    .requiredOption('--target <url>', 'the database to bring up to date: postgresql://user:pass@host:port/db')
    .option('--name <name>', 'name part of the pending file', 'diff')
    .option('--migrations-dir <dir>', 'the migrations to diff against (default: supabase/migrations)')
    .option(
      '--pending-dir <dir>',
      'where to write the pending file (default: supabase/pending; in a packaged app: pending/ in the data directory)',
    )
    .action(
      action(async (flags: DbDiffFlags) => (await import('./commands/db-diff.js')).dbDiffCommand(flags)),
    );

  withStackFlags(db.command('apply'))
    .description('apply one pending file to a database, in one transaction, after a confirmation')
    .argument('<file>', 'the pending file (supabase/pending/<timestamp>_<name>.sql)')
    .requiredOption('--target <url>', 'the database the file was diffed against')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      action(async (file: string, flags: DbApplyFlags) =>
        (await import('./commands/db-apply.js')).dbApplyCommand(file, flags),
      ),
    );

  withStackFlags(db.command('lint'))
    .description('check the migrations on a scratch database (RLS, comments, views, grants, ...)')
    .option('--migrations-dir <dir>', 'the migrations to check (default: supabase/migrations)')
    .action(action(async (flags: DbFlags) => (await import('./commands/db-lint.js')).dbLintCommand(flags)));

  withStackFlags(db.command('test'))
    .description(
      'run the database tests (supabase/tests; needs a development checkout) and record the results',
    )
    .action(action(async (flags: DbFlags) => (await import('./commands/db-test.js')).dbTestCommand(flags)));

  withStackFlags(program.command('supervise', { hidden: true }))
    .description('run the supervisor of a detached stack (used by `up --detach`)')
    .option('--gui', 'serve the GUI too')
    .action(action(async (flags: UpFlags) => (await import('./commands/up.js')).superviseCommand(flags)));

  return program;
}
