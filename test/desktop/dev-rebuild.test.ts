// A developer's checkout (issue 15): `bin/flow-desktop.js` runs the built CLI and compiles nothing while the
// build is fresh; a source changed since the build is rebuilt (only the stale part) before the command runs;
// `npm run watch` rebuilds when a source changes. On a copy of the checkout's tracked files (node_modules
// linked), so that touching sources never makes the shared checkout's build stale under other tests.
import { spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  utimesSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isAlive, signalGroup, waitUntil } from '../../main/process/process-group.js';
import { PROJECT_ROOT } from '../../main/stack/project-paths.js';
import { trackedFiles } from '../support/tracked-files.js';

const copy = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-checkout-'));

/** Runs the launcher in the copy: its exit code and what it printed. */
function launcher(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [path.join(copy, 'bin', 'flow-desktop.js'), ...args], {
    cwd: copy,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Marks a source of the copy as edited now (after the last build began, before the next one does). */
function touch(relative: string): void {
  const now = new Date();
  utimesSync(path.join(copy, relative), now, now);
}

describe('a checkout: rebuild on change, never a compile on every call', { timeout: 300_000 }, () => {
  let watcher: number | null = null;

  beforeAll(() => {
    for (const file of trackedFiles()) {
      mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
      copyFileSync(path.join(PROJECT_ROOT, file), path.join(copy, file));
    }
    symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  });

  afterAll(async () => {
    if (watcher !== null && isAlive(watcher)) {
      signalGroup(watcher, 'SIGTERM');
      if (!(await waitUntil(() => !isAlive(watcher ?? 0), 10_000))) signalGroup(watcher, 'SIGKILL');
    }
    rmSync(copy, { recursive: true, force: true });
  });

  it('builds the Node part once, runs from it, and rebuilds only after a source changes', () => {
    expect(existsSync(path.join(copy, 'out'))).toBe(false);
    const first = launcher(['--version']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(first.stderr).toContain('building out/main (not built yet)');
    // A command that serves no GUI builds no GUI.
    expect(first.stderr).not.toContain('out/renderer');
    expect(existsSync(path.join(copy, 'out', 'main', 'cli.mjs'))).toBe(true);

    // Fresh: the launcher goes straight to the build, compiling nothing.
    const again = launcher(['--version']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toBe('');

    touch(path.join('main', 'cli', 'main.ts'));
    const edited = launcher(['--version']);
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stderr).toContain('building out/main (main/cli/main.ts changed)');
    expect(launcher(['--version']).stderr).toBe('');
  });

  it('`npm run watch` rebuilds when a source changes', async () => {
    let output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('scripts', 'watch.ts')], {
      cwd: copy,
      detached: true, // Its own process group, ended by pid in afterAll.
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    watcher = child.pid ?? null;
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));

    // The first pass builds what is stale (the GUI, never built in this copy) and then waits.
    await expect.poll(() => output, { timeout: 120_000, interval: 200 }).toContain('watching for changes');
    const before = output.length;
    appendFileSync(path.join(copy, 'shared', 'catalog', 'json-pointer.ts'), '\n// edited while watching\n');
    await expect
      .poll(() => output.slice(before), { timeout: 120_000, interval: 200 })
      .toMatch(/building out\/main \(shared\/catalog\/json-pointer\.ts changed\)[\s\S]*built out\/main/);
    expect(launcher(['--version']).stderr).toBe('');
  });
});
