// Stack start-up, reset and memory: the numbers to compare with `supabase start` (~30 s warm, minutes cold).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { LocalStack } from '../../main/stack/local-stack.js';
import { CLI_ENTRY } from '../../main/stack/project-paths.js';
import { resolveStackConfig, type StackConfig } from '../../main/stack/stack-config.js';
import { freePort } from '../../test/support/free-port.js';
import { initdbAndFirstStart } from './postgres-floor.js';
import type { Measurement } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** How long the stack idles before its memory is measured. */
const IDLE_MS = 10_000;

async function stackConfig(dataDir: string): Promise<StackConfig> {
  return resolveStackConfig({
    dataDir,
    ports: {
      db: await freePort(),
      api: await freePort(),
      studio: await freePort(),
      inbucket: await freePort(),
    },
  });
}

/** Time from nothing to every service ready, in this process (what the app and `up` do). */
async function timedStart(config: StackConfig): Promise<{ ms: number; stack: LocalStack }> {
  const begun = performance.now();
  const stack = await LocalStack.create(config);
  const failures = await stack.prepare();
  if (failures.length > 0) throw new Error(failures.map((f) => f.message).join('; '));
  const outcome = await stack.up();
  const ms = performance.now() - begun;
  if (!outcome.ok) {
    await stack.down();
    throw new Error(
      `stack did not start: ${outcome.failed.map((s) => `${s.name}: ${s.lastError?.message}`).join('; ')}`,
    );
  }
  return { ms, stack };
}

function cli(args: string[]): Promise<number> {
  const begun = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI_ENTRY, ...args], { timeout: 120_000 }, (error, _out, stderr) => {
      if (error) reject(new Error(`flow-desktop ${args[0] ?? ''} failed: ${stderr.trim()}`));
      else resolve(performance.now() - begun);
    });
  });
}

/** Proportional set size of one process, in MB (0 when it ended meanwhile). */
function pssMb(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Which part of the stack a process is, from its command line; postgres counts all its processes. */
function role(pid: number): string {
  let command: string;
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return 'gone';
  }
  if (command.includes(' supervise ')) return 'supervisor';
  if (command.includes('supabase-api.mjs')) return 'supabase-api';
  if (command.includes('edge-functions.mjs')) return 'edge-functions';
  const agent = / --name (agent-\d+)/.exec(command);
  if (agent?.[1]) return agent[1];
  if (command.includes('postgres')) return 'postgres (all processes)';
  return command.split(' ')[0] ?? 'other';
}

function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      continue;
    }
  }
  const all: number[] = [];
  const visit = (pid: number): void => {
    all.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return all;
}

/** PSS of the supervisor and every descendant (Postgres backends share memory: PSS splits it fairly), by role. */
function stackMemory(supervisor: number): Map<string, number> {
  const byRole = new Map<string, number>();
  for (const pid of descendantsOf(supervisor)) {
    const name = role(pid);
    byRole.set(name, (byRole.get(name) ?? 0) + pssMb(pid));
  }
  return byRole;
}

/** Runs the stack benchmarks. */
export async function run(log: (text: string) => void): Promise<Measurement[]> {
  const cold: number[] = [];
  const warm: number[] = [];
  const reset: number[] = [];
  const cliCold: number[] = [];
  const cliWarm: number[] = [];
  const cliDown: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-bench-'));
    try {
      const config = await stackConfig(dir);
      const first = await timedStart(config);
      cold.push(first.ms);
      const resetResult = await first.stack.reset(true);
      if (!resetResult.ok) throw new Error(`reset failed: ${resetResult.error ?? ''}`);
      reset.push(resetResult.elapsedMs);
      await first.stack.down();
      const second = await timedStart(config);
      warm.push(second.ms);
      await second.stack.down();
      log(
        `run ${i + 1}/${RUNS}: cold ${first.ms.toFixed(0)} ms, reset ${resetResult.elapsedMs} ms, warm ${second.ms.toFixed(0)} ms`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const cliStatus: number[] = [];
  const memoryAtStart: number[] = [];
  const memoryIdle: number[] = [];
  const perProcess = new Map<string, number[]>();
  const floor: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    floor.push(await initdbAndFirstStart());
    const dir = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-bench-cli-'));
    const ports = ['--db-port', String(await freePort()), '--api-port', String(await freePort())];
    ports.push('--ui-port', String(await freePort()), '--mailbox-port', String(await freePort()));
    try {
      cliCold.push(await cli(['up', '--detach', '--agents', '2', '--data-dir', dir, ...ports]));
      const control = JSON.parse(readFileSync(path.join(dir, 'run', 'control.json'), 'utf8')) as {
        pid: number;
      };
      memoryAtStart.push(sum(stackMemory(control.pid)));
      for (let s = 0; s < 3; s++) cliStatus.push(await cli(['status', '--data-dir', dir]));
      // Idle: V8 and Postgres give back what start-up used once nothing happens for a while.
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      const idle = stackMemory(control.pid);
      memoryIdle.push(sum(idle));
      for (const [name, mb] of idle) perProcess.set(name, [...(perProcess.get(name) ?? []), mb]);
      cliDown.push(await cli(['down', '--data-dir', dir]));
      cliWarm.push(await cli(['up', '--detach', '--agents', '2', '--data-dir', dir]));
      await cli(['down', '--data-dir', dir]);
      log(
        `CLI run ${i + 1}/${RUNS}: up cold ${cliCold.at(-1)?.toFixed(0)} ms (floor ${floor.at(-1)?.toFixed(0)} ms), ` +
          `warm ${cliWarm.at(-1)?.toFixed(0)} ms, down ${cliDown.at(-1)?.toFixed(0)} ms, ` +
          `memory ${memoryAtStart.at(-1)?.toFixed(0)} MB at start, ${memoryIdle.at(-1)?.toFixed(0)} MB idle`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const wall = 'wall time, from the shell';
  return [
    { name: 'cold start (empty data dir → all ready)', unit: 'ms', samples: cold, target: { max: 3000 } },
    { name: 'warm start (existing data dir)', unit: 'ms', samples: warm, target: { max: 1000 } },
    { name: 'reset (drop, migrate, seed; stack running)', unit: 'ms', samples: reset, target: { max: 2000 } },
    { name: 'floor: initdb + first Postgres start alone', unit: 'ms', samples: floor },
    { name: 'CLI `up --detach`, cold', unit: 'ms', samples: cliCold, target: { max: 2000 }, note: wall },
    { name: 'CLI `up --detach`, warm', unit: 'ms', samples: cliWarm, target: { max: 1000 }, note: wall },
    {
      name: 'CLI `status` (stack running)',
      unit: 'ms',
      samples: cliStatus,
      target: { max: 300 },
      note: wall,
    },
    { name: 'CLI `down`', unit: 'ms', samples: cliDown, target: { max: 500 }, note: wall },
    {
      name: 'stack memory, idle (PSS, 2 agents)',
      unit: 'MB',
      samples: memoryIdle,
      target: { max: 150 },
      note: `supervisor + children, ${IDLE_MS / 1000} s after start`,
    },
    { name: 'stack memory, right after start', unit: 'MB', samples: memoryAtStart },
    ...[...perProcess]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, samples]): Measurement => ({ name: `  idle memory: ${name}`, unit: 'MB', samples })),
  ];
}

function sum(byRole: Map<string, number>): number {
  return [...byRole.values()].reduce((a, b) => a + b, 0);
}
