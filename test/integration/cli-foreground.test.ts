import { spawn } from 'node:child_process';

import { afterEach, describe, expect, it } from 'vitest';

import { isAlive, waitUntil } from '../../main/process/process-group.js';
import { CLI_ENTRY } from '../../main/stack/project-paths.js';
import { TestStack } from '../support/cli.js';

describe('flow-desktop up in the foreground', () => {
  let stack: TestStack;
  afterEach(async () => {
    await stack.cleanup();
  });

  it('shows progress, serves the other commands, and stops cleanly on Ctrl-C', async () => {
    stack = await TestStack.create();
    const child = spawn(
      process.execPath,
      [
        CLI_ENTRY,
        'up',
        '--data-dir',
        stack.dataDir,
        '--db-port',
        String(stack.dbPort),
        '--api-port',
        String(stack.apiPort),
        '--mailbox-port',
        String(stack.mailboxPort),
        '--ui-port',
        String(stack.uiPort),
        '--agents',
        '0',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    expect(await waitUntil(() => !out.includes('Press Ctrl-C to stop.'), 60_000)).toBe(true);
    expect(out).toMatch(/Stack ready in \d+\.\d+s\./);
    expect(out).toMatch(/postgres\s+healthy/);

    // Another CLI call finds the foreground supervisor through its control API.
    const status = await stack.status();
    expect(status.pid).toBe(child.pid);
    const postgresPid = status.services[0]!.pid!;

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toContain('Stack stopped.');
    expect(isAlive(postgresPid)).toBe(false);
    expect(stack.supervisorPid()).toBeNull();
  });
});
