import { LocalStack } from '../../stack/local-stack.js';
import { guardProcess, tryWriteStderr } from '../../supervisor/crash-guard.js';
import { saveLastUsedPorts, type StackConfig } from '../../stack/stack-config.js';
import { ensureGuiBuilt } from '../../stack/gui-build.js';
import { hostStack } from '../../stack/stack-host.js';
import { CliError } from '../cli-error.js';
import { print, printJson, printProblem } from '../output.js';
import { ProgressPrinter } from '../progress-printer.js';
import { statusJson, statusPretty } from '../status-format.js';
import { takeOwnership } from './ownership.js';

/** How a supervisor reports: in a terminal (foreground `up`) or into a log file (detached). */
export interface SuperviseMode {
  readonly foreground: boolean;
  readonly json: boolean;
  /** Headless mode: also serve the GUI on the UI port. */
  readonly gui: boolean;
}

/**
 * Runs the stack in this process until it is told to stop (Ctrl-C, SIGTERM, `flow-desktop down`): pre-flight,
 * control API, start in dependency order with progress, then wait. A failed start stops everything again.
 */
export async function runSupervisor(config: StackConfig, mode: SuperviseMode): Promise<void> {
  const begun = Date.now();
  // One supervisor per data directory, held until this process ends (the kernel frees it even on kill -9).
  const lock = await takeOwnership(config, 'supervise');
  try {
    await supervise(config, mode, begun);
  } finally {
    await lock.release();
  }
}

async function supervise(config: StackConfig, mode: SuperviseMode, begun: number): Promise<void> {
  const stack = await LocalStack.create(config);
  const unguard = guardProcess((error, origin) => {
    const message = `the supervisor survived an unexpected error (${origin}): ${error.message}`;
    stack.supervisor.reportProblem({ id: 'uncaught-error', severity: 'warning', message });
    tryWriteStderr(`${new Date().toISOString()} ${message}\n${error.stack ?? ''}`);
  });
  try {
    await superviseStack(stack, config, mode, begun);
  } finally {
    unguard();
    stack.supervisor.logs.close();
  }
}

async function superviseStack(
  stack: LocalStack,
  config: StackConfig,
  mode: SuperviseMode,
  begun: number,
): Promise<void> {
  const quiet = mode.json;
  if (!quiet) print(`Starting the Flow Desktop stack (data: ${config.layout.root})`);
  const guiRoot = mode.gui ? await ensureGuiBuilt((line) => !quiet && print(`  ${line}`)) : undefined;
  const extraPorts = mode.gui ? [{ service: 'web UI', port: config.ports.studio, flag: '--ui-port' }] : [];
  const failures = await stack.prepare((line) => !quiet && print(`  ${line}`), extraPorts);
  if (failures.length > 0) {
    for (const failure of failures) printProblem(failure.message);
    throw new CliError(
      `pre-flight failed (${failures.length} problem${failures.length > 1 ? 's' : ''} above)`,
    );
  }
  saveLastUsedPorts(config.layout.stackFile, config.ports);
  const printer = new ProgressPrinter();
  const off = quiet ? () => undefined : stack.supervisor.onEvent((event) => printer.handle(event));
  const hosted = await hostStack(stack, guiRoot ? { guiRoot } : {});
  const onSignal = (): void => {
    if (!quiet) print('\nStopping…');
    void hosted.shutdown();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const outcome = await hosted.started;
  printer.stop();
  if (!outcome.ok) {
    const first = outcome.failed[0];
    for (const failed of outcome.failed) {
      printProblem(`${failed.name} failed: ${failed.lastError?.message ?? 'unknown error'}`);
      for (const line of failed.lastError?.logTail.slice(-10) ?? []) process.stderr.write(`    | ${line}\n`);
    }
    if (!mode.gui) {
      off();
      await hosted.shutdown();
      throw new CliError(
        `the stack did not start: ${first?.name ?? 'a service'} failed; see \`flow-desktop logs ${first?.name ?? ''}\``,
      );
    }
    // With a GUI, a broken stack is exactly when it is needed: keep serving it (logs, restarts, resets).
    const link = hosted.uiLink();
    printProblem(
      `the stack started with ${first?.name ?? 'a service'} failed; the GUI stays up to inspect and reset it${link ? `: ${link}` : ''}`,
    );
  }
  const seconds = ((Date.now() - begun) / 1000).toFixed(2);
  if (!outcome.ok) {
    // Reported above; wait for the user to fix or stop it.
  } else if (mode.json) printJson(statusJson(stack.status(process.pid)));
  else if (mode.foreground) {
    print(`\nStack ready in ${seconds}s.\n`);
    print(statusPretty(stack.status(process.pid)));
    const link = hosted.uiLink();
    if (link) print(`\nOpen the GUI: ${link}`);
    print('\nPress Ctrl-C to stop.');
  } else {
    print(`Stack ready in ${seconds}s; control API at ${hosted.controlUrl}`);
  }
  await hosted.stopped;
  off();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (!quiet) print('Stack stopped.');
}
