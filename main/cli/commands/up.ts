import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';

import { connectToSupervisor } from '../../control/control-client.js';
import { readControlFile } from '../../control/control-file.js';
import { CLI_ENTRY } from '../../stack/project-paths.js';
import type { StackConfig } from '../../stack/stack-config.js';
import { CliError } from '../cli-error.js';
import { print, printJson, sleep } from '../output.js';
import { configFromFlags, flagsToArgs, type StackFlags } from '../stack-options.js';
import { statusJson, statusPretty } from '../status-format.js';
import type { SuperviseMode } from './run-supervisor.js';

/** Flags of `up`. */
export interface UpFlags extends StackFlags {
  readonly detach?: boolean;
  /** Serve the GUI too (set by `serve`, and passed to the detached supervisor). */
  readonly gui?: boolean;
}

const DETACH_TIMEOUT_MS = 5 * 60_000;

/** `flow-desktop up`: start the stack in the foreground, or with --detach in a background supervisor. */
export async function upCommand(flags: UpFlags): Promise<void> {
  const config = configFromFlags(flags);
  const running = await connectToSupervisor(config.layout.controlFile);
  if (running) {
    const status = await running.call('GET /v1/status', {});
    if (flags.json) printJson(statusJson(status));
    else print(`The stack is already running.\n\n${statusPretty(status)}`);
    return;
  }
  if (flags.detach) await upDetached(config, flags);
  else await runSupervisor(config, { foreground: true, json: Boolean(flags.json), gui: Boolean(flags.gui) });
}

/** The supervisor runs in this process: loaded only then, so `up --detach` itself stays light. */
async function runSupervisor(config: StackConfig, mode: SuperviseMode): Promise<void> {
  await (await import('./run-supervisor.js')).runSupervisor(config, mode);
}

/** `flow-desktop serve`: the stack plus the GUI on the UI port, for any browser (headless mode). */
export async function serveCommand(flags: UpFlags): Promise<void> {
  await upCommand({ ...flags, gui: true });
}

/** `flow-desktop supervise` (internal): the detached supervisor process. */
export async function superviseCommand(flags: UpFlags): Promise<void> {
  await runSupervisor(configFromFlags(flags), { foreground: false, json: false, gui: Boolean(flags.gui) });
}

/**
 * Starts a supervisor in the background and returns once every service is ready, echoing its progress
 * (which it writes to logs/supervisor.log). If it exits first, its last words are the error.
 */
async function upDetached(config: StackConfig, flags: UpFlags): Promise<void> {
  const layout = config.layout;
  mkdirSync(layout.logs, { recursive: true });
  const logFile = layout.supervisorLog;
  let offset = existsSync(logFile) ? statSync(logFile).size : 0;
  const logFd = openSync(logFile, 'a');
  const args = [CLI_ENTRY, 'supervise', ...flagsToArgs(flags), ...(flags.gui ? ['--gui'] : [])];
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, FLOW_DESKTOP_DETACHED: '1' },
  });
  closeSync(logFd);
  child.unref();
  // A holder object: the callback's assignment is invisible to the loop's narrowing otherwise.
  const exited: { code: number | null } = { code: null };
  child.once('exit', (code) => (exited.code = code ?? 1));

  const echo = (): void => {
    const chunk = readFrom(logFile, offset);
    offset += chunk.length;
    if (!flags.json && chunk.length > 0) process.stdout.write(chunk);
  };
  const deadline = Date.now() + DETACH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    echo();
    if (exited.code !== null) {
      throw new CliError(
        `the background supervisor exited (code ${exited.code}) before the stack was ready; see ${logFile}`,
      );
    }
    const endpoint = readControlFile(layout.controlFile);
    if (endpoint?.pid === child.pid) {
      const client = await connectToSupervisor(layout.controlFile);
      const status = client ? await client.call('GET /v1/status', {}).catch(() => null) : null;
      const settledBroken =
        status?.state === 'degraded' &&
        status.services.some((s) => s.state === 'failed') &&
        flags.gui === true;
      if (settledBroken && client) {
        // A served GUI stays up on a broken stack so it can be inspected and reset; say so, and fail.
        const link = (await client.call('POST /v1/ui-link', {})).url;
        echo();
        const failed = status.services.filter((s) => s.state === 'failed').map((s) => s.name);
        throw new CliError(
          `the stack started with ${failed.join(', ')} failed; the GUI is up to inspect and reset it: ${link}`,
        );
      }
      if (status?.state === 'running' && client) {
        echo();
        const link = status.uiUrl ? (await client.call('POST /v1/ui-link', {})).url : null;
        if (flags.json) printJson({ ...statusJson(status), ...(link ? { UI_URL: link } : {}) });
        else {
          print(`\n${statusPretty(status)}`);
          if (link) print(`\nOpen the GUI: ${link}`);
          print(
            `\nThe stack runs in the background (pid ${status.pid ?? '?'}); stop it with \`flow-desktop down\`.`,
          );
        }
        return;
      }
    }
    await sleep(40);
  }
  throw new CliError(`the stack was not ready within ${DETACH_TIMEOUT_MS / 1000} s; see ${logFile}`);
}

function readFrom(file: string, offset: number): Buffer {
  if (!existsSync(file)) return Buffer.alloc(0);
  const size = statSync(file).size;
  if (size <= offset) return Buffer.alloc(0);
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(size - offset);
    readSync(fd, buffer, 0, buffer.length, offset);
    return buffer;
  } finally {
    closeSync(fd);
  }
}
