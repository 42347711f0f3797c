import { existsSync } from 'node:fs';

import type { StackStatus } from '../../../shared/stack-status.js';
import { connectToSupervisor } from '../../control/control-client.js';
import { CliError } from '../cli-error.js';
import { print, printJson } from '../output.js';
import { configFromFlags, type StackFlags } from '../stack-options.js';
import { statusEnv, statusJson, statusPretty } from '../status-format.js';
import { ownerOf } from './ownership.js';

/** Flags of `status`. */
export interface StatusFlags extends StackFlags {
  readonly output?: string;
}

/** `flow-desktop status`: the services and connection details, as a table, JSON or env lines. */
export async function statusCommand(flags: StatusFlags): Promise<void> {
  const format = flags.json ? 'json' : (flags.output ?? 'pretty');
  if (!['pretty', 'json', 'env'].includes(format)) {
    throw new CliError(`unknown output format "${format}"; use -o pretty, -o json or -o env`);
  }
  const config = configFromFlags(flags);
  let status: StackStatus;
  const client = await connectToSupervisor(config.layout.controlFile);
  if (client) status = await client.call('GET /v1/status', {});
  else {
    if (!existsSync(config.layout.secretsFile)) {
      throw new CliError(
        `there is no stack in ${config.layout.root} yet; start one with \`flow-desktop up\``,
      );
    }
    // No answer: say what really runs (orphans, or the children of a supervisor that does not answer).
    const owner = await ownerOf(config);
    const unresponsive = owner.held && owner.owner?.role === 'supervise' ? { pid: owner.owner.pid } : null;
    // Loaded only here: the stack's modules (pg, the supervisor) cost a running stack's status a third of its time.
    const { LocalStack } = await import('../../stack/local-stack.js');
    status = await (await LocalStack.create(config)).offlineStatus(unresponsive);
  }
  // A fresh one-time link each time: a printed link works once.
  const uiUrl = client && status.uiUrl ? (await client.call('POST /v1/ui-link', {})).url : null;
  if (format === 'json') printJson({ ...statusJson(status), ...(uiUrl ? { UI_URL: uiUrl } : {}) });
  else if (format === 'env') print(`${statusEnv(status)}${uiUrl ? `\nUI_URL="${uiUrl}"` : ''}`);
  else print(`${statusPretty(status)}${uiUrl ? `\n\n  Open the GUI: ${uiUrl}` : ''}`);
}
