import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { ConnectionInfo } from '../../shared/stack-status.js';
import { isAlive, signalGroup, terminateGroup, waitUntil } from '../../main/process/process-group.js';
import { CLI_ENTRY } from '../../main/stack/project-paths.js';
import { freePort } from './free-port.js';

/** What a CLI run printed and how it ended. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `flow-desktop <args>` as a real child process. */
export function runCli(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 90_000,
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_ENTRY, ...args],
      { env: { ...process.env, ...env, FORCE_COLOR: '0' }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A stack in its own temporary data directory on free ports, cleaned up by pid afterwards. */
export class TestStack {
  readonly dataDir = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-stack-'));
  dbPort = 0;
  apiPort = 0;
  mailboxPort = 0;
  uiPort = 0;
  // Data-plane ports too: with Flow binaries in resources/bin or on PATH, parallel stacks must not all claim
  // 8080, 9000 and 28318.
  brokerPort = 0;
  consumerPort = 0;
  gatewayPort = 0;

  private constructor(private readonly env: Record<string, string>) {}

  /**
   * Makes a test stack; `env` goes to every CLI call (FLOW_DESKTOP_SUPABASE_DIR, ...). Agents are off unless a
   * test asks for them (`--agents N` or FLOW_DESKTOP_AGENTS): they are not what most stack tests are about,
   * and each is a Node process on a 2-core machine.
   */

  static async create(env: Record<string, string> = {}): Promise<TestStack> {
    const stack = new TestStack({ FLOW_DESKTOP_AGENTS: '0', ...env });
    // Every port of its own, so stacks of tests running in parallel never collide.
    stack.dbPort = await freePort();
    stack.apiPort = await freePort();
    stack.mailboxPort = await freePort();
    stack.uiPort = await freePort();
    stack.brokerPort = await freePort();
    stack.consumerPort = await freePort();
    stack.gatewayPort = await freePort();
    return stack;
  }

  /** Runs a CLI command against this stack's data directory (and, for `up`, its port). */
  cli(args: readonly string[]): Promise<CliResult> {
    const extra = ['--data-dir', this.dataDir];
    if (args[0] === 'up' || args[0] === 'serve') {
      extra.push('--db-port', String(this.dbPort), '--api-port', String(this.apiPort));
      extra.push('--mailbox-port', String(this.mailboxPort), '--ui-port', String(this.uiPort));
      extra.push('--broker-port', String(this.brokerPort), '--consumer-port', String(this.consumerPort));
      extra.push('--gateway-port', String(this.gatewayPort));
    }
    return runCli([...args, ...extra], this.env);
  }

  /** `status --json`, parsed. */
  async status(): Promise<StatusJson> {
    const result = await this.cli(['status', '--json']);
    if (result.code !== 0) throw new Error(`status failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as StatusJson;
  }

  /** The pid of the detached supervisor, from its control file. */
  supervisorPid(): number | null {
    const file = path.join(this.dataDir, 'run', 'control.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { pid: number }).pid : null;
  }

  /** The pid of the running postmaster, from postmaster.pid. */
  postmasterPid(): number | null {
    const file = path.join(this.dataDir, 'postgres', 'postmaster.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : null;
  }

  /** Stops everything this stack started, by pid, and deletes its data directory. */
  async cleanup(): Promise<void> {
    const supervisor = this.supervisorPid();
    if (supervisor !== null && isAlive(supervisor)) {
      process.kill(supervisor, 'SIGTERM');
      if (!(await waitUntil(() => isAlive(supervisor), 20_000))) signalGroup(supervisor, 'SIGKILL');
    }
    const postmaster = this.postmasterPid();
    if (postmaster !== null && isAlive(postmaster)) await terminateGroup(postmaster, 'SIGINT', 10_000);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** The shape of `status --json`. */
export interface StatusJson extends ConnectionInfo {
  readonly state: string;
  readonly running: boolean;
  readonly pid: number | null;
  readonly services: readonly {
    name: string;
    state: string;
    pid: number | null;
    port: number | null;
    restarts: number;
    lastError: { message: string; logTail: string[] } | null;
  }[];
}
