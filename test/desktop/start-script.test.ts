import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { isAlive, signalGroup, waitUntil } from '../../main/process/process-group.js';
import { PROJECT_ROOT } from '../../main/stack/project-paths.js';
import { electronBinary } from '../../scripts/start.js';
import { freePort } from '../support/free-port.js';

describe('electronBinary', () => {
  it('accepts a path that exists', () => {
    expect(electronBinary(() => process.execPath)).toEqual({ ok: true, path: process.execPath });
  });

  it('explains in one line why Electron is unusable', () => {
    const failed = electronBinary(() => {
      throw new Error('Electron failed to install correctly, please delete node_modules/electron\nmore');
    });
    expect(failed).toEqual({
      ok: false,
      reason: 'Electron failed to install correctly, please delete node_modules/electron',
    });
    expect(electronBinary(() => '/no/such/electron')).toEqual({
      ok: false,
      reason: 'no Electron binary at /no/such/electron',
    });
  });
});

describe('npm start without an Electron binary', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-start-'));
  let pid: number | undefined;
  afterAll(async () => {
    if (pid !== undefined && isAlive(pid)) {
      signalGroup(pid, 'SIGKILL');
      await waitUntil(() => isAlive(pid ?? 0), 10_000);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says so in one line, serves headless, prints the GUI link and stops cleanly on SIGINT', async () => {
    const ports = ['--db-port', '--api-port', '--ui-port', '--mailbox-port'];
    const args = ['--data-dir', dataDir, '--agents', '0'];
    for (const flag of ports) args.push(flag, String(await freePort()));
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'scripts', 'start.js'), ...args], {
      cwd: PROJECT_ROOT,
      // Own process group, so cleanup can reach whatever it started; no download attempt in tests.
      detached: true,
      env: {
        ...process.env,
        FORCE_COLOR: '0',
        FLOW_DESKTOP_NO_ELECTRON_FETCH: '1',
        FLOW_DESKTOP_HEADLESS: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    pid = child.pid;
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );

    const begun = Date.now();
    const linked = await waitUntil(
      () => !stdout.includes('Open the GUI:') && child.exitCode === null,
      180_000,
      100,
    );
    expect(linked, `stdout:\n${stdout}\nstderr:\n${stderr}`).toBe(true);
    expect(child.exitCode, `stdout:\n${stdout}\nstderr:\n${stderr}`).toBeNull();
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(
      /^Electron is not available \(.+\); starting the headless mode \(flow-desktop serve\) instead\.$/,
    );
    expect(lines.filter((l) => l.startsWith('Electron is not available'))).toHaveLength(1);
    const link = /Open the GUI: (http:\/\/127\.0\.0\.1:\d+\/#code=\S+)/.exec(stdout)?.[1];
    expect(link).toBeDefined();
    const page = await fetch(new URL('/', link));
    expect(page.status).toBe(200);
    console.log(`npm start → GUI link in ${Date.now() - begun} ms`);

    process.kill(child.pid ?? 0, 'SIGINT');
    const result = await exited;
    expect(result, `stdout:\n${stdout}\nstderr:\n${stderr}`).toEqual({ code: 0, signal: null });
    expect(stdout).toContain('Stack stopped.');
  }, 240_000);
});
