import { readFileSync } from 'node:fs';
import path from 'node:path';

import { Command } from 'commander';

import { PROJECT_ROOT } from '../stack/project-paths.js';
import { action } from './cli-error.js';
import type { DbApplyFlags } from './commands/db-apply.js';
import type { DbDiffFlags } from './commands/db-diff.js';
import type { DbFlags } from './commands/db-shared.js';
import { downCommand } from './commands/down.js';
import { logsCommand } from './commands/logs.js';
import { resetCommand } from './commands/reset.js';
import { restartCommand } from './commands/restart.js';
import { statusCommand } from './commands/status.js';
import { serveCommand, superviseCommand, upCommand } from './commands/up.js';
import { withStackFlags } from './stack-options.js';

const { version } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  version: string;
};

const program = new Command('flow-desktop')
  .description(
    'The Flow control plane on your machine: Postgres, the Supabase API, the agent and the data plane.',
  )
  .version(version)
  .showSuggestionAfterError();

withStackFlags(program.command('up'))
  .description('start the stack (in the foreground; Ctrl-C stops it)')
  .option('-d, --detach', 'start in the background and return once every service is ready')
  .action(action(upCommand));

withStackFlags(program.command('serve'))
  .description('start the stack and serve the GUI on the UI port (headless mode: any browser)')
  .option('-d, --detach', 'start in the background and return once the GUI is reachable')
  .action(action(serveCommand));

withStackFlags(program.command('down'))
  .description('stop the stack (or clean up what a crashed run left behind)')
  .action(action(downCommand));

withStackFlags(program.command('status'))
  .description('show the services and how to connect (keys named like `supabase status`)')
  .option('-o, --output <format>', 'pretty, json or env', 'pretty')
  .action(action(statusCommand));

withStackFlags(program.command('logs'))
  .argument('[service]', 'one service (default: all)')
  .description('show the latest log lines')
  .option('-f, --follow', 'keep printing new lines')
  .option('-n, --lines <n>', 'how many lines', '100')
  .action(action(logsCommand));

withStackFlags(program.command('restart'))
  .argument('<service>', 'the service to restart')
  .description('restart one service of the running stack')
  .action(action(restartCommand));

withStackFlags(program.command('reset'))
  .description('drop and recreate the database, then migrate and seed (works even when the stack is broken)')
  .option('-y, --yes', 'do not ask for confirmation')
  .action(action(resetCommand));

// The db commands load migra and its dependencies: only when one of them runs, not on every CLI start.
const db = program
  .command('db')
  .description('production migrations: diff a database against the migrations, apply, lint, test');

withStackFlags(db.command('diff'))
  .description(
    'diff a database (production) against the migrations; write the statements to supabase/pending/',
  )
  .requiredOption('--target <url>', 'the database to bring up to date: postgresql://user:pass@host:port/db')
  .option('--name <name>', 'name part of the pending file', 'diff')
  .option('--migrations-dir <dir>', 'the migrations to diff against (default: supabase/migrations)')
  .option('--pending-dir <dir>', 'where to write the pending file (default: supabase/pending)')
  .action(action(async (flags: DbDiffFlags) => (await import('./commands/db-diff.js')).dbDiffCommand(flags)));

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
  .description('run the database tests (supabase/tests; needs a development checkout) and record the results')
  .action(action(async (flags: DbFlags) => (await import('./commands/db-test.js')).dbTestCommand(flags)));

withStackFlags(program.command('supervise', { hidden: true }))
  .description('run the supervisor of a detached stack (used by `up --detach`)')
  .option('--gui', 'serve the GUI too')
  .action(action(superviseCommand));

await program.parseAsync(process.argv);
