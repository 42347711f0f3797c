import { ControlCallError, connectToSupervisor } from '../../control/control-client.js';
import { CliError } from '../cli-error.js';
import { print, printJson } from '../output.js';
import { configFromFlags, type StackFlags } from '../stack-options.js';

/** `flow-desktop restart <service>`: restart one service of the running stack. */
export async function restartCommand(service: string, flags: StackFlags): Promise<void> {
  const config = configFromFlags(flags);
  const client = await connectToSupervisor(config.layout.controlFile);
  if (!client) throw new CliError('the stack is not running; start it with `flow-desktop up`');
  const begun = Date.now();
  let info;
  try {
    info = await client.call('POST /v1/services/restart', { service, ifBusy: 'wait', requestedBy: 'cli' });
  } catch (error: unknown) {
    if (error instanceof ControlCallError) throw new CliError(error.message);
    throw error;
  }
  if (flags.json) printJson(info);
  else print(`${info.name}: ${info.state} (${((Date.now() - begun) / 1000).toFixed(2)}s)`);
  if (info.state === 'failed') {
    throw new CliError(
      `${info.name} failed after the restart: ${info.lastError?.message ?? 'unknown error'}`,
    );
  }
}
