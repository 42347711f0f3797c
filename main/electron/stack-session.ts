import { spawn, type ChildProcess } from 'node:child_process';

import { connectToSupervisor, type ControlClient } from '../control/control-client.js';
import { isAlive, waitUntil } from '../process/process-group.js';
import { CLI_ENTRY } from '../stack/project-paths.js';
import { readSettings } from '../stack/settings-store.js';
import type { StackConfig } from '../stack/stack-config.js';
import { quitDecision, startOwnership, type QuitDecision, type StackOwnership } from './quit-policy.js';

/** The stack the app shows, however it runs, reached through its control API like any other client. */
export interface StackSession {
  readonly ownership: StackOwnership;
  readonly config: StackConfig;
  readonly client: ControlClient;
  /** The served GUI's origin (`http://127.0.0.1:<uiPort>`), or null when the supervisor serves none. */
  readonly uiUrl: string | null;
  /** Applies the quit policy (reading keep-running-on-quit afresh); resolves once done. */
  quit(): Promise<QuitDecision>;
}

const START_TIMEOUT_MS = 5 * 60_000;
const STOP_TIMEOUT_MS = 60_000;

/**
 * Starts the stack for a configuration, or attaches to the supervisor already running for its data
 * directory.
 *
 * The supervisor is `flow-desktop serve` (LocalStack hosted by `hostStack` with the GUI), run as a child in
 * Node mode (ELECTRON_RUN_AS_NODE) rather than inside Electron's main process: the stack launches its Node
 * services with `process.execPath`, which in the main process is the Electron app itself, and setting
 * ELECTRON_RUN_AS_NODE there would also reach Chromium's helper processes. It serves the GUI on the UI port,
 * so the window loads it from that http origin, which the control server accepts (a file:// page would
 * send `Origin: null`, which it rightly refuses).
 */
export async function openStackSession(
  config: StackConfig,
  log: (line: string) => void,
): Promise<StackSession> {
  const existing = await connectToSupervisor(config.layout.controlFile);
  const keep = readSettings(config.layout.settingsFile).keepRunningOnQuit ?? false;
  const ownership = startOwnership(existing !== null, keep);
  log(`stack: ${ownership} (data: ${config.layout.root})`);
  if (existing) return session(ownership, config, existing, null);
  const child = spawnServe(config, ownership === 'detached', log);
  const client = await waitForSupervisor(config, child);
  return session(ownership, config, client, ownership === 'child' ? child : null);
}

function spawnServe(config: StackConfig, detach: boolean, log: (line: string) => void): ChildProcess {
  const { ports } = config;
  const args = [CLI_ENTRY, 'serve', '--data-dir', config.layout.root, ...(detach ? ['--detach'] : [])];
  args.push('--db-port', String(ports.db), '--api-port', String(ports.api));
  args.push('--ui-port', String(ports.studio), '--mailbox-port', String(ports.inbucket));
  args.push('--agents', String(config.agentCount));
  if (config.flowBinDir) args.push('--bin-dir', config.flowBinDir);
  // `npm start` passes its own Node (FLOW_DESKTOP_NODE): in development the stack then runs on the same Node
  // as the CLI; a packaged app has only Electron, run as Node (the stack needs no native addon).
  const runtime = process.env.FLOW_DESKTOP_NODE || process.execPath;
  const child = spawn(runtime, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', FORCE_COLOR: '0' },
  });
  const forward = (chunk: string): void => chunk.split('\n').filter(Boolean).forEach(log);
  child.stdout?.setEncoding('utf8').on('data', forward);
  child.stderr?.setEncoding('utf8').on('data', forward);
  return child;
}

/** Waits until the supervisor's control API answers, or fails when the CLI exits with an error first. */
async function waitForSupervisor(config: StackConfig, child: ChildProcess): Promise<ControlClient> {
  const exit: { code: number | null | undefined } = { code: undefined };
  child.once('exit', (code) => (exit.code = code));
  child.once('error', () => (exit.code = null));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const client = await connectToSupervisor(config.layout.controlFile);
    if (client) return client;
    // `serve --detach` exits 0 once the GUI is reachable; any other exit is a failed start.
    if (exit.code !== undefined && exit.code !== 0) {
      throw new Error(`\`flow-desktop serve\` exited (code ${String(exit.code)}) before the stack started`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGINT');
  throw new Error('the stack did not come up within 5 minutes');
}

async function session(
  ownership: StackOwnership,
  config: StackConfig,
  client: ControlClient,
  child: ChildProcess | null,
): Promise<StackSession> {
  const status = await client.call('GET /v1/status', {}, 10_000);
  return {
    ownership,
    config,
    client,
    uiUrl: status.uiUrl ?? client.endpoint.uiUrl ?? null,
    quit: async () => {
      const keep = readSettings(config.layout.settingsFile).keepRunningOnQuit ?? false;
      const decision = quitDecision(ownership, keep);
      if (decision.stopStack) await stopSupervisor(client, child);
      return decision;
    },
  };
}

/**
 * Stops the supervisor through its control API (which works the same on every OS; a SIGINT to a child on
 * Windows would kill it without letting it stop its services), falling back to SIGINT for our own child.
 */
async function stopSupervisor(client: ControlClient, child: ChildProcess | null): Promise<void> {
  const pid = child?.pid ?? client.endpoint.pid;
  // The desktop app (its tray or its quit) asks: the supervisor's events say so.
  const asked = await client.call('POST /v1/shutdown', { requestedBy: 'tray' }, 10_000).then(
    () => true,
    () => false,
  );
  if (!asked && child && child.exitCode === null) child.kill('SIGINT');
  // waitUntil polls while the check holds.
  const gone = await waitUntil(() => isAlive(pid), STOP_TIMEOUT_MS, 100);
  if (!gone && child) child.kill('SIGKILL');
}
