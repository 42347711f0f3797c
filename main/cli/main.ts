import { readFileSync } from 'node:fs';
import path from 'node:path';

import { Command } from 'commander';

import { PROJECT_ROOT } from '../stack/project-paths.js';
import { action } from './cli-error.js';
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

withStackFlags(program.command('supervise', { hidden: true }))
  .description('run the supervisor of a detached stack (used by `up --detach`)')
  .option('--gui', 'serve the GUI too')
  .action(action(superviseCommand));

await program.parseAsync(process.argv);
