import { connectToSupervisor } from '../../control/control-client.js';
import { isAlive } from '../../process/process-group.js';
import { ProcessRegistry } from '../../process/process-registry.js';
import { clearStalePostmaster } from '../../services/postgres/postgres-cluster.js';
import { CliError } from '../cli-error.js';
import { print, printJson, sleep } from '../output.js';
import { configFromFlags, type StackFlags } from '../stack-options.js';

const STOP_TIMEOUT_MS = 90_000;

/** `flow-desktop down`: stop the running stack; without one, clean up whatever a crash left behind. */
export async function downCommand(flags: StackFlags): Promise<void> {
  const config = configFromFlags(flags);
  const client = await connectToSupervisor(config.layout.controlFile);
  if (!client) {
    const cleaned = await new ProcessRegistry(config.layout.processesFile).cleanupOrphans();
    const notes: string[] = cleaned.map((o) => `stopped ${o.service} (pid ${o.pid}) left by an earlier run`);
    await clearStalePostmaster(config.layout.pgdata, (text) => notes.push(text));
    if (flags.json) printJson({ stopped: false, running: false, cleanedUp: notes });
    else print(['The stack is not running.', ...notes.map((n) => `  ${n}`)].join('\n'));
    return;
  }
  const pid = client.endpoint.pid;
  const begun = Date.now();
  await client.call('POST /v1/shutdown', {});
  while (isAlive(pid)) {
    if (Date.now() - begun > STOP_TIMEOUT_MS) {
      throw new CliError(
        `the supervisor (pid ${pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s; see \`flow-desktop logs\``,
      );
    }
    await sleep(25);
  }
  const seconds = ((Date.now() - begun) / 1000).toFixed(2);
  if (flags.json) printJson({ stopped: true, running: false, elapsedMs: Date.now() - begun });
  else print(`Stack stopped in ${seconds}s.`);
}
