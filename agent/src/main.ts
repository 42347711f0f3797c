// The agent process: `tsx agent/src/main.ts --database <url> [--bin-dir <dir>] ...` (see config.ts).
import { exitWithParent } from '../../main/process/exit-with-parent.js';
import { Agent } from './agent.js';
import { type AgentConfig, parseAgentArgs } from './config.js';
import { errorMessage } from './queue/job-handler.js';

let config: AgentConfig;
try {
  config = parseAgentArgs(process.argv.slice(2));
} catch (error: unknown) {
  // A configuration mistake: say it in one line (the supervisor shows it) rather than with a stack trace.
  console.error(`agent: ${errorMessage(error)}`);
  process.exit(2);
}
const agent = new Agent(config);
let stopping: Promise<void> | null = null;

const shutdown = (why: string): Promise<void> =>
  (stopping ??= (async () => {
    console.log(`[${config.name}] ${why}: stopping after the current jobs`);
    try {
      await agent.stop();
      process.exit(0);
    } catch (error: unknown) {
      console.error(`[${config.name}] shutdown failed: ${errorMessage(error)}`);
      process.exit(1);
    }
  })());

process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
exitWithParent(() => void shutdown('parent exited'));

try {
  await agent.start();
  console.log(`[${config.name}] ready`);
} catch (error: unknown) {
  console.error(`[${config.name}] could not start: ${errorMessage(error)}`);
  process.exit(1);
}
