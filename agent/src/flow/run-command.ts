import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

import type { JobLog } from '../logs/log-sink.js';

/** How a child process of a job ended. */
export interface CommandResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The whole stdout, for commands whose output is machine JSON (api spec, api discover). */
  readonly stdout: string;
}

/** What to run for a job. */
export interface CommandSpec {
  readonly file: string;
  readonly args: readonly string[];
  /** Stream prefix in the job log: lines go to `<name>:1` (stdout) and `<name>:2` (stderr). */
  readonly name: string;
  readonly cwd?: string;
  readonly stdin?: string;
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The clean environment of a child: PATH, DOCKER_* and GOOGLE_APPLICATION_CREDENTIALS only, as the original
 * agent did, so that neither the database URL nor anything else of the agent leaks into connectors.
 */
export function cleanEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (key === 'PATH' || key.includes('DOCKER') || key === 'GOOGLE_APPLICATION_CREDENTIALS')
      env[key] = value;
  }
  return { ...env, ...extra };
}

/** A started child whose output streams into the job log; kill() ends its whole process group. */
export interface RunningCommand {
  readonly pid: number | undefined;
  readonly done: Promise<CommandResult>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts a child process of a job; it is killed (with its group) when `signal` aborts. */
export function startCommand(spec: CommandSpec, log: JobLog, signal: AbortSignal): RunningCommand {
  // Its own process group, so that killing it also ends what it started (etcd, gazette, connectors).
  const child = spawn(spec.file, [...spec.args], {
    cwd: spec.cwd,
    env: cleanEnv(spec.env),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const kill = (sig: NodeJS.Signals = 'SIGKILL'): void => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      child.kill(sig);
    }
  };
  const onAbort = (): void => kill('SIGKILL');
  signal.addEventListener('abort', onAbort, { once: true });
  let stdout = '';
  createInterface({ input: child.stdout }).on('line', (line) => {
    stdout += `${line}\n`;
    log.line(`${spec.name}:1`, line);
  });
  createInterface({ input: child.stderr }).on('line', (line) => log.line(`${spec.name}:2`, line));
  child.stdin.on('error', () => undefined);
  child.stdin.end(spec.stdin ?? '');
  const done = new Promise<CommandResult>((resolve, reject) => {
    child.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      reject(error);
    });
    // 'close' waits for stdout/stderr to drain, so every line is logged before the result.
    child.once('close', (code, sig) => {
      signal.removeEventListener('abort', onAbort);
      resolve({ code, signal: sig, stdout });
    });
  });
  return { pid: child.pid, done, kill };
}

/** Runs a child process of a job to completion. */
export async function runCommand(
  spec: CommandSpec,
  log: JobLog,
  signal: AbortSignal,
): Promise<CommandResult> {
  log.info(`running ${spec.name}: ${spec.file} ${spec.args.join(' ')}`);
  const result = await startCommand(spec, log, signal).done;
  if (signal.aborted) throw new Error(`${spec.name} was killed: the job was abandoned`);
  return result;
}

/** Describes a failed exit. */
export function exitDescription(result: CommandResult): string {
  return result.signal ? `was killed by ${result.signal}` : `exited with status ${String(result.code)}`;
}
