import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TestStack } from '../support/cli.js';
import { unmount } from './fault-support.js';

describe('fault: damaged state files and a read-only data directory', () => {
  let stack: TestStack;
  let secrets: string;
  const file = (name: string): string => path.join(stack.dataDir, name);

  beforeAll(async () => {
    stack = await TestStack.create();
    expect((await stack.cli(['up', '--detach'])).code).toBe(0);
    expect((await stack.cli(['down'])).code).toBe(0);
    secrets = readFileSync(file('secrets.json'), 'utf8');
  });
  afterAll(async () => {
    unmount(stack.dataDir);
    await stack.cleanup();
  });

  it('never replaces a damaged secrets.json: up stops with a sentence naming it', async () => {
    const damaged = JSON.stringify({ ...(JSON.parse(secrets) as object), anonKey: undefined });
    for (const [text, message] of [
      [damaged, 'is damaged: anonKey is missing or empty'],
      ['', 'is empty'],
      [secrets.slice(0, 40), 'is not valid JSON'],
    ] as const) {
      writeFileSync(file('secrets.json'), text);
      const up = await stack.cli(['up', '--detach']);
      expect(up.code).toBe(1);
      expect(up.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(up.stderr).toContain(`${file('secrets.json')} ${message}`);
      expect(up.stderr).toContain('; flow-desktop never replaces it: restore it, or delete it together with');
      expect(readFileSync(file('secrets.json'), 'utf8')).toBe(text);
      expect(stack.supervisorPid()).toBeNull();
    }
    writeFileSync(file('secrets.json'), secrets, { mode: 0o600 });
  });

  it('a damaged settings.json is named, not silently replaced by defaults', async () => {
    writeFileSync(file('settings.json'), '{"dbPort": ');
    const up = await stack.cli(['up', '--detach']);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(
      /settings\.json is not valid JSON \(.*\); fix it, or delete it to use the default settings\n$/,
    );
    writeFileSync(file('settings.json'), '{}');
  });

  it('garbage in the run files and postmaster.pid does not stop a start', async () => {
    writeFileSync(file('run/processes.json'), '{"owner": ');
    writeFileSync(file('run/control.json'), '');
    writeFileSync(file('run/owner.json'), 'not json');
    writeFileSync(file('postgres/postmaster.pid'), 'not a pid\n');
    const up = await stack.cli(['up', '--detach']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect((await stack.status()).state).toBe('running');
    expect((await stack.cli(['down'])).code).toBe(0);
  });

  it('a read-only data directory gets the pre-flight sentence, not a raw EROFS', async (ctx) => {
    try {
      execFileSync('mount', ['--bind', stack.dataDir, stack.dataDir], { stdio: 'pipe' });
      execFileSync('mount', ['-o', 'remount,ro,bind', stack.dataDir], { stdio: 'pipe' });
    } catch (error: unknown) {
      unmount(stack.dataDir);
      console.warn(`skipped: a read-only bind mount was refused (${String(error)})`);
      ctx.skip();
      return;
    }
    try {
      for (const command of [['up', '--detach'], ['reset', '--yes'], ['down']]) {
        const run = await stack.cli(command);
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(
          new RegExp(
            `^flow-desktop: data directory ${stack.dataDir} is not writable \\(EROFS: read-only file system, .*\\); choose another with --data-dir or FLOW_DESKTOP_HOME\\n$`,
          ),
        );
      }
      // Reading still works: status of the stopped stack.
      expect((await stack.status()).state).toBe('stopped');
    } finally {
      unmount(stack.dataDir);
    }
  });
});
