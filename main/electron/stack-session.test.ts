import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { freePort } from '../../test/support/free-port.js';
import { readControlFile } from '../control/control-file.js';
import { isAlive, signalGroup } from '../process/process-group.js';
import { writeSettings } from '../stack/settings-store.js';
import { resolveStackConfig, type StackConfig } from '../stack/stack-config.js';
import { openStackSession } from './stack-session.js';

// The app's stack handling without Electron: under Vitest, process.execPath is Node.
describe('openStackSession', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-session-'));
  const lines: string[] = [];
  const log = (line: string): void => void lines.push(line);
  let config: StackConfig;

  afterAll(() => {
    const left = readControlFile(path.join(dataDir, 'run', 'control.json'));
    if (left && isAlive(left.pid)) signalGroup(left.pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs `flow-desktop serve` as a child, attaches a second session, and stops only its own', async () => {
    const ports = {
      db: await freePort(),
      api: await freePort(),
      studio: await freePort(),
      inbucket: await freePort(),
    };
    config = resolveStackConfig({ dataDir, ports, agentCount: 0 }, {});
    const begun = Date.now();
    const session = await openStackSession(config, log);
    console.log(`session open in ${Date.now() - begun} ms`);
    expect(session.ownership).toBe('child');
    expect(session.uiUrl).toBe(`http://127.0.0.1:${ports.studio}`);
    const pid = session.client.endpoint.pid;
    expect(isAlive(pid)).toBe(true);

    const second = await openStackSession(config, log);
    expect(second.ownership).toBe('attached');
    expect((await second.quit()).stopStack).toBe(false);
    expect(isAlive(pid)).toBe(true);

    // The session opens as soon as the control API answers; let the start finish before quitting.
    const deadline = Date.now() + 120_000;
    while ((await session.client.call('GET /v1/status', {})).state !== 'running' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const decision = await session.quit();
    expect(decision.stopStack).toBe(true);
    expect(isAlive(pid)).toBe(false);
    expect(lines.join('\n')).toContain('Stack stopped.');
  }, 180_000);

  it('starts a detached supervisor that outlives quitting when keep running on quit is on', async () => {
    writeSettings(config.layout.settingsFile, { keepRunningOnQuit: true });
    const session = await openStackSession(config, log);
    expect(session.ownership).toBe('detached');
    const pid = session.client.endpoint.pid;
    expect((await session.quit()).stopStack).toBe(false);
    expect(isAlive(pid)).toBe(true);

    writeSettings(config.layout.settingsFile, { keepRunningOnQuit: false });
    const again = await openStackSession(config, log);
    expect(again.ownership).toBe('attached');
    // Attached sessions never stop a stack; the detached one started above is stopped here through its API.
    await again.client.call('POST /v1/shutdown', {});
    const deadline = Date.now() + 60_000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(isAlive(pid)).toBe(false);
  }, 240_000);
});
