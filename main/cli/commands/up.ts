import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';

import type { StackStatus } from '../../../shared/stack-status.js';
import { ControlClient } from '../../control/control-client.js';
import { readControlFile } from '../../control/control-file.js';
import { readOwnerFile } from '../../process/owner-lock.js';
import { CLI_ENTRY } from '../../stack/project-paths.js';
import type { StackConfig } from '../../stack/stack-config.js';
import { CliError } from '../cli-error.js';
import { print, printJson, sleep } from '../output.js';
import { configFromFlags, flagsToArgs, type StackFlags } from '../stack-options.js';
import { statusJson, statusPretty } from '../status-format.js';
import {
  ALREADY_OWNED_EXIT,
  AlreadyOwnedError,
  describeOwner,
  ownerOf,
  requireWritableDataDir,
  waitForControl,
} from './ownership.js';
import type { SuperviseMode } from './run-supervisor.js';

/** Flags of `up`. */
export interface UpFlags extends StackFlags {
  readonly detach?: boolean;
  /** Serve the GUI too (set by `serve`, and passed to the detached supervisor). */
  readonly gui?: boolean;
}

const DETACH_TIMEOUT_MS = 5 * 60_000;

/**
 * `flow-desktop up`: start the stack in the foreground, or with --detach in a background supervisor. When the
 * data directory already has a live supervisor (it holds the owner lock), say so and show its status instead:
 * never a second supervisor, even when the first is slow to answer.
 */
export async function upCommand(flags: UpFlags): Promise<void> {
  const config = configFromFlags(flags);
  const owner = await ownerOf(config);
  // A running stack is reported whatever the directory allows; a new start needs to write there.
  if (!owner.held) requireWritableDataDir(config);
  // Twice at most: an owner that exits while we wait for it leaves the way free for this start.
  for (let attempt = 0; attempt < 2; attempt++) {
    const state = await ownerOf(config);
    if (state.held) {
      if (await reportRunning(config, state, flags)) return;
      continue;
    }
    try {
      if (flags.detach) await upDetached(config, flags);
      else
        await runSupervisor(config, { foreground: true, json: Boolean(flags.json), gui: Boolean(flags.gui) });
      return;
    } catch (error: unknown) {
      // Another `up` took the lock between our look and our start: report its stack like above.
      if (!(error instanceof AlreadyOwnedError)) throw error;
      if (await reportRunning(config, error.state, flags)) return;
    }
  }
  throw new CliError(
    'another supervisor started and stopped while this one waited; run `flow-desktop up` again',
  );
}

/**
 * Shows the stack of the supervisor that owns the data directory, once it is settled (a stack another `up`
 * is starting right now is waited for). Returns false when that supervisor exited meanwhile.
 */
async function reportRunning(
  config: StackConfig,
  state: Parameters<typeof describeOwner>[0],
  flags: UpFlags,
): Promise<boolean> {
  const pid = state.owner?.pid;
  if (pid === undefined || state.owner?.role !== 'supervise') throw new CliError(describeOwner(state));
  const waited = await waitForControl(config.layout.controlFile, pid, DETACH_TIMEOUT_MS);
  if (waited.kind === 'gone') return false;
  if (waited.kind === 'unresponsive') {
    throw new CliError(
      `the stack is already running (pid ${pid}) but its control API does not answer; \`flow-desktop down\` stops it`,
    );
  }
  const status = await settledStatus(waited.client);
  const link = status.uiUrl ? (await waited.client.call('POST /v1/ui-link', {})).url : null;
  if (flags.json)
    printJson({ ...statusJson(status), alreadyRunning: true, ...(link ? { UI_URL: link } : {}) });
  else {
    print(`The stack is already running (pid ${pid}).\n\n${statusPretty(status)}`);
    if (link) print(`\nOpen the GUI: ${link}`);
  }
  return true;
}

/** The status once no start or stop is under way (bounded by the detach timeout). */
async function settledStatus(client: ControlClient): Promise<StackStatus> {
  const deadline = Date.now() + DETACH_TIMEOUT_MS;
  let status = await client.call('GET /v1/status', {});
  while ((status.state === 'starting' || status.state === 'stopping') && Date.now() < deadline) {
    await sleep(100);
    status = await client.call('GET /v1/status', {});
  }
  return status;
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
  try {
    await runSupervisor(configFromFlags(flags), { foreground: false, json: false, gui: Boolean(flags.gui) });
  } catch (error: unknown) {
    // Lost the race for the data directory: the `up` that started us reports the winner. Say nothing in the
    // log the winner's `up` is echoing.
    if (!(error instanceof AlreadyOwnedError)) throw error;
    process.exitCode = ALREADY_OWNED_EXIT;
  }
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

  // Another detached supervisor may write to the same log while it races ours for the lock: echo only once
  // ours holds it.
  let ours = false;
  let lastError: string | null = null;
  const echo = (): void => {
    ours ||=
      readOwnerFile(layout.ownerFile)?.pid === child.pid ||
      (exited.code !== null && exited.code !== ALREADY_OWNED_EXIT);
    if (!ours) return;
    const chunk = readFrom(logFile, offset);
    offset += chunk.length;
    if (!flags.json && chunk.length > 0) process.stdout.write(chunk);
    // The supervisor's one-line errors look like ours: the last one is why it stopped.
    const errors = chunk.toString('utf8').match(/^flow-desktop: .*$/gm);
    if (errors) lastError = errors[errors.length - 1]!.slice('flow-desktop: '.length);
  };
  const deadline = Date.now() + DETACH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    echo();
    if (exited.code === ALREADY_OWNED_EXIT) {
      echo();
      throw new AlreadyOwnedError(await ownerOf(config));
    }
    if (exited.code !== null) {
      echo();
      throw new CliError(
        lastError ??
          `the background supervisor exited (code ${exited.code}) before the stack was ready; see ${logFile}`,
      );
    }
    const endpoint = readControlFile(layout.controlFile);
    if (endpoint && endpoint.pid === child.pid) {
      // One request a round (our child is alive: `exited` says otherwise), while the services start and
      // CPU is scarce.
      const client = new ControlClient(endpoint);
      const status = await client.call('GET /v1/status', {}, 5000).catch(() => null);
      const settledBroken =
        status?.state === 'degraded' &&
        status.services.some((s) => s.state === 'failed') &&
        flags.gui === true;
      if (settledBroken) {
        // A served GUI stays up on a broken stack so it can be inspected and reset; say so, and fail.
        const link = (await client.call('POST /v1/ui-link', {})).url;
        echo();
        const failed = status.services.filter((s) => s.state === 'failed').map((s) => s.name);
        throw new CliError(
          `the stack started with ${failed.join(', ')} failed; the GUI is up to inspect and reset it: ${link}`,
        );
      }
      if (status?.state === 'running') {
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
    await sleep(25);
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
