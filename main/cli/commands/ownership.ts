import { type ControlClient, connectToSupervisor } from '../../control/control-client.js';
import { readControlFile } from '../../control/control-file.js';
import { acquireOwnerLock, type OwnerLock, type OwnerState, readOwner } from '../../process/owner-lock.js';
import { isAlive } from '../../process/process-group.js';
import { dataDirWriteProblem } from '../../preflight/preflight.js';
import type { StackConfig } from '../../stack/stack-config.js';
import { CliError } from '../cli-error.js';
import { sleep } from '../output.js';

/** Exit code of a detached supervisor that found the data directory already owned (EX_TEMPFAIL). */
export const ALREADY_OWNED_EXIT = 75;

/** The data directory is held by another live process. */
export class AlreadyOwnedError extends CliError {
  constructor(readonly state: OwnerState) {
    super(describeOwner(state), ALREADY_OWNED_EXIT);
  }
}

/** Who owns the data directory of a configuration. */
export function ownerOf(config: StackConfig): Promise<OwnerState> {
  return readOwner(config.layout.root, config.layout.ownerFile);
}

/** Throws the pre-flight's sentence when the data directory cannot be written (read-only, full...). */
export function requireWritableDataDir(config: StackConfig): void {
  const problem = dataDirWriteProblem(config.layout.root);
  if (problem) throw new CliError(problem);
}

/**
 * Takes the data directory's owner lock, or throws AlreadyOwnedError naming the holder. A data directory that
 * cannot be written gets the pre-flight's sentence first, not the error of the first write.
 */
export async function takeOwnership(config: StackConfig, role: string): Promise<OwnerLock> {
  requireWritableDataDir(config);
  const got = await acquireOwnerLock(config.layout.root, config.layout.ownerFile, role);
  if (!got.lock) throw new AlreadyOwnedError(got.state);
  return got.lock;
}

/** One sentence naming who holds the data directory. */
export function describeOwner(state: OwnerState): string {
  const owner = state.owner;
  if (!owner) return 'the data directory is in use by another flow-desktop process';
  if (owner.role === 'supervise') return `the stack is already running (pid ${owner.pid})`;
  return `the data directory is busy: \`flow-desktop ${owner.role}\` (pid ${owner.pid}) is running; try again when it is done`;
}

/** What came of waiting for an owner's control API. */
export type ControlWait =
  | { readonly kind: 'answering'; readonly client: ControlClient }
  | { readonly kind: 'gone' }
  | { readonly kind: 'unresponsive' };

/**
 * Waits until the supervisor with this pid serves its control API. A supervisor still getting ready (orphan
 * clean-up, pre-flight) has no control file yet and is waited for; one whose control API exists but does not
 * answer twice in a row is unresponsive (stopped, or its event loop blocked).
 */
export async function waitForControl(
  controlFile: string,
  pid: number,
  timeoutMs: number,
): Promise<ControlWait> {
  const deadline = Date.now() + timeoutMs;
  let misses = 0;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return { kind: 'gone' };
    if (readControlFile(controlFile)?.pid === pid) {
      const client = await connectToSupervisor(controlFile);
      if (client?.endpoint.pid === pid) return { kind: 'answering', client };
      if (++misses >= 2) return { kind: 'unresponsive' };
    }
    await sleep(100);
  }
  return { kind: 'unresponsive' };
}
