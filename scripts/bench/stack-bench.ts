// Stack start-up, reset and memory: the numbers to compare with `supabase start` (~30 s warm, minutes cold).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { LocalStack } from '../../main/stack/local-stack.js';
import { CLI_ENTRY } from '../../main/stack/project-paths.js';
import { resolveStackConfig, type StackConfig } from '../../main/stack/stack-config.js';
import { freePort } from '../../test/support/free-port.js';
import type { Measurement } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

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

/** Proportional set size of a process and every process in its group (Postgres backends share memory). */
function pssMb(pids: readonly number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      kb += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return kb / 1024;
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

/** Runs the stack benchmarks. */
export async function run(log: (text: string) => void): Promise<Measurement[]> {
  const cold: number[] = [];
  const warm: number[] = [];
  const reset: number[] = [];
  const cliCold: number[] = [];
  const cliWarm: number[] = [];
  const cliDown: number[] = [];
  const memory: number[] = [];
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
  for (let i = 0; i < Math.max(3, Math.ceil(RUNS / 2)); i++) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-bench-cli-'));
    const ports = ['--db-port', String(await freePort()), '--api-port', String(await freePort())];
    ports.push('--ui-port', String(await freePort()), '--mailbox-port', String(await freePort()));
    try {
      cliCold.push(await cli(['up', '--detach', '--data-dir', dir, ...ports]));
      const control = JSON.parse(readFileSync(path.join(dir, 'run', 'control.json'), 'utf8')) as {
        pid: number;
      };
      memory.push(pssMb(descendantsOf(control.pid)));
      cliDown.push(await cli(['down', '--data-dir', dir]));
      cliWarm.push(await cli(['up', '--detach', '--data-dir', dir]));
      await cli(['down', '--data-dir', dir]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return [
    { name: 'cold start (empty data dir → all ready)', unit: 'ms', samples: cold, target: { max: 3000 } },
    { name: 'warm start (existing data dir)', unit: 'ms', samples: warm, target: { max: 1000 } },
    { name: 'reset (drop, migrate, seed; stack running)', unit: 'ms', samples: reset, target: { max: 2000 } },
    {
      name: 'CLI `up --detach`, cold, wall time',
      unit: 'ms',
      samples: cliCold,
      note: 'includes two Node+tsx start-ups',
    },
    {
      name: 'CLI `up --detach`, warm, wall time',
      unit: 'ms',
      samples: cliWarm,
      note: 'includes two Node+tsx start-ups',
    },
    { name: 'CLI `down`, wall time', unit: 'ms', samples: cliDown },
    { name: 'stack memory (PSS: supervisor + children)', unit: 'MB', samples: memory },
  ];
}
