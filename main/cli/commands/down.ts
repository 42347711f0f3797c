import { type ControlClient, connectToSupervisor } from '../../control/control-client.js';
import type { OwnerRecord } from '../../process/owner-lock.js';
import { isAlive } from '../../process/process-group.js';
import { isSameProcess } from '../../process/process-identity.js';
import { ProcessRegistry } from '../../process/process-registry.js';
import { clearStalePostmaster } from '../../services/postgres/postgres-cluster.js';
import type { StackConfig } from '../../stack/stack-config.js';
import { CliError } from '../cli-error.js';
import { print, printJson, sleep } from '../output.js';
import { configFromFlags, type StackFlags } from '../stack-options.js';
import { describeOwner, ownerOf, takeOwnership } from './ownership.js';

const STOP_TIMEOUT_MS = 90_000;

/** How long an unresponsive supervisor gets to act on SIGTERM before it is killed. */
function graceMs(): number {
  const fromEnv = Number(process.env.FLOW_DESKTOP_STOP_GRACE_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 15_000;
}

/**
 * `flow-desktop down`: stop the running stack; without one, clean up whatever a crash left behind. The
 * supervisor that owns the data directory stops its own children; a supervisor that does not answer is
 * signalled (SIGTERM, then SIGKILL after a grace period) and only then are its children cleaned up as orphans.
 */
export async function downCommand(flags: StackFlags): Promise<void> {
  const config = configFromFlags(flags);
  const begun = Date.now();
  const state = await ownerOf(config);
  const notes: string[] = [];
  if (!state.held) {
    // A supervisor of a version before the owner lock still answers on its control file.
    const legacy = await connectToSupervisor(config.layout.controlFile);
    if (legacy) return report(flags, begun, await stopThroughApi(legacy, legacy.endpoint.pid, notes), notes);
    await cleanUpAfterCrash(config, notes);
    if (flags.json) printJson({ stopped: false, running: false, cleanedUp: notes });
    else print(['The stack is not running.', ...notes.map((n) => `  ${n}`)].join('\n'));
    return;
  }
  const owner = state.owner;
  if (!owner || owner.role !== 'supervise') throw new CliError(describeOwner(state));
  const client = await connectToSupervisor(config.layout.controlFile);
  let stopped = client?.endpoint.pid === owner.pid && (await stopThroughApi(client, owner.pid, notes));
  if (!stopped) {
    stopped = await stopBySignal(owner, notes);
    if (!stopped)
      throw new CliError(`the supervisor (pid ${owner.pid}) could not be stopped, not even with SIGKILL`);
    await cleanUpAfterCrash(config, notes);
  }
  report(flags, begun, stopped, notes);
}

function report(flags: StackFlags, begun: number, stopped: boolean, notes: readonly string[]): void {
  if (!stopped) throw new CliError('the supervisor did not stop; see `flow-desktop logs`');
  const seconds = ((Date.now() - begun) / 1000).toFixed(2);
  if (flags.json) printJson({ stopped: true, running: false, elapsedMs: Date.now() - begun, notes });
  else print([`Stack stopped in ${seconds}s.`, ...notes.map((n) => `  ${n}`)].join('\n'));
}

/** Asks the supervisor to stop and waits for its process to end. */
async function stopThroughApi(client: ControlClient, pid: number, notes: string[]): Promise<boolean> {
  const asked = await client.call('POST /v1/shutdown', { requestedBy: 'cli' }, 5000).then(
    () => true,
    () => false,
  );
  if (!asked) return false;
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(25);
  }
  notes.push(`the supervisor (pid ${pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s`);
  return false;
}

/**
 * Stops a supervisor that does not answer as systemd stops a service: SIGTERM followed by SIGCONT (so a
 * stopped process can act on it), then SIGKILL when the grace period is over.
 */
async function stopBySignal(owner: OwnerRecord, notes: string[]): Promise<boolean> {
  const grace = graceMs();
  const signal = (name: NodeJS.Signals): void => {
    if (isSameProcess(owner)) process.kill(owner.pid, name);
  };
  signal('SIGTERM');
  signal('SIGCONT');
  const deadline = Date.now() + grace;
  while (Date.now() < deadline) {
    if (!isSameProcess(owner)) {
      notes.push(`the supervisor (pid ${owner.pid}) did not answer; stopped it with SIGTERM`);
      return true;
    }
    await sleep(50);
  }
  signal('SIGKILL');
  for (let i = 0; i < 100 && isSameProcess(owner); i++) await sleep(50);
  notes.push(`the supervisor (pid ${owner.pid}) did not answer nor stop within ${grace / 1000} s; killed it`);
  return !isSameProcess(owner);
}

/** Stops what a dead supervisor left running, holding the data directory while doing so. */
async function cleanUpAfterCrash(config: StackConfig, notes: string[]): Promise<void> {
  const lock = await takeOwnership(config, 'down');
  try {
    const cleaned = await new ProcessRegistry(config.layout.processesFile).cleanupOrphans();
    for (const o of cleaned) notes.push(`stopped ${o.service} (pid ${o.pid}) left by an earlier run`);
    await clearStalePostmaster(config.layout.pgdata, (text) => notes.push(text));
  } finally {
    await lock.release();
  }
}
