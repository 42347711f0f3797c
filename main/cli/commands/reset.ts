import { createInterface } from 'node:readline/promises';

import type { ResetResult } from '../../../shared/control-api.js';
import { type ControlClient, connectToSupervisor } from '../../control/control-client.js';
import type { OwnerLock } from '../../process/owner-lock.js';
import { LocalStack } from '../../stack/local-stack.js';
import type { StackConfig } from '../../stack/stack-config.js';
import { CliError } from '../cli-error.js';
import { print, printJson, printProblem, sleep } from '../output.js';
import { ProgressPrinter } from '../progress-printer.js';
import { configFromFlags, type StackFlags } from '../stack-options.js';
import { AlreadyOwnedError, describeOwner, takeOwnership, waitForControl } from './ownership.js';

/** Flags of `reset`. */
export interface ResetFlags extends StackFlags {
  readonly yes?: boolean;
}

/**
 * `flow-desktop reset`: drop and recreate the database, then migrate and seed. Uses the running stack when
 * there is one, and otherwise does it alone, even when the stack is broken.
 */
export async function resetCommand(flags: ResetFlags): Promise<void> {
  const config = configFromFlags(flags);
  if (!flags.yes) await confirm(config.layout.root);
  const printer = new ProgressPrinter();
  const { client, lock } = await supervisorOrOwnership(config);
  let result: ResetResult;
  if (client) {
    const abort = new AbortController();
    let sawEnd: () => void = () => undefined;
    const ended = new Promise<void>((resolve) => (sawEnd = resolve));
    const following = flags.json
      ? Promise.resolve()
      : client
          .events((e) => {
            printer.handle(e);
            if (e.type === 'stack-phase' && e.operation === 'reset' && e.phase === 'done') sawEnd();
          }, abort.signal)
          .catch(() => undefined);
    try {
      result = await client.call('POST /v1/reset', { ifBusy: 'wait', requestedBy: 'cli' }, 10 * 60_000);
      // The events travel on their own connection: let the last ones arrive before closing it.
      if (!flags.json) await Promise.race([ended, sleep(2000)]);
    } finally {
      abort.abort();
      await following;
    }
  } else {
    try {
      const stack = await LocalStack.create(config);
      const failures = await stack.prepare((line) => !flags.json && print(`  ${line}`));
      if (failures.length > 0) {
        for (const failure of failures) printProblem(failure.message);
        throw new CliError('pre-flight failed; fix the problems above and run reset again');
      }
      const off = flags.json ? () => undefined : stack.supervisor.onEvent((e) => printer.handle(e));
      result = await stack.reset(false);
      off();
    } finally {
      await lock?.release();
    }
  }
  printer.stop();
  if (flags.json) printJson(result);
  if (!result.ok) throw new CliError(`reset failed: ${result.error ?? 'unknown error'}`);
  if (!flags.json) {
    const how = result.reinitialised ? ' (the cluster could not start and was re-created)' : '';
    print(`Database reset in ${(result.elapsedMs / 1000).toFixed(2)}s${how}.`);
  }
}

/**
 * The running supervisor's client, or else the data directory's owner lock for an offline reset (so no `up`
 * starts a stack in the middle of it). A supervisor that is still starting is waited for.
 */
async function supervisorOrOwnership(
  config: StackConfig,
): Promise<{ client: ControlClient | null; lock: OwnerLock | null }> {
  const client = await connectToSupervisor(config.layout.controlFile);
  if (client) return { client, lock: null };
  try {
    return { client: null, lock: await takeOwnership(config, 'reset') };
  } catch (error: unknown) {
    if (!(error instanceof AlreadyOwnedError)) throw error;
    const pid = error.state.owner?.pid;
    if (pid === undefined || error.state.owner?.role !== 'supervise') throw error;
    const waited = await waitForControl(config.layout.controlFile, pid, 5 * 60_000);
    if (waited.kind !== 'answering') throw new CliError(`${describeOwner(error.state)} but does not answer`);
    return { client: waited.client, lock: null };
  }
}

async function confirm(dataDir: string): Promise<void> {
  if (!process.stdin.isTTY) {
    throw new CliError(`reset deletes all data in the database of ${dataDir}; pass --yes to confirm`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(`Reset deletes all data in the database of ${dataDir}. Continue? [y/N] `);
  rl.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new CliError('reset cancelled');
}
