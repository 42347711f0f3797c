import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DatabaseTestReport } from '../../shared/control-api.js';
import { ControlCallError, ControlClient } from '../../main/control/control-client.js';
import { readControlFile } from '../../main/control/control-file.js';
import { DbToolsState } from '../../main/db-tools/db-tools-state.js';
import { SUPABASE_DIR } from '../../main/stack/project-paths.js';
import { TestStack } from '../support/cli.js';
import { query } from '../support/sql.js';

/** The control API routes of the GUI's migrations page, on a running stack, fed by the real `db` commands. */
describe('migrations control routes (running stack)', { timeout: 180_000 }, () => {
  let supabaseDir: string;
  let stack: TestStack;
  let api: ControlClient;
  let dbUrl: string;

  beforeAll(async () => {
    supabaseDir = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-routes-supabase-'));
    for (const part of ['bootstrap', 'migrations', 'seed.sql']) {
      cpSync(path.join(SUPABASE_DIR, part), path.join(supabaseDir, part), { recursive: true });
    }
    stack = await TestStack.create({ FLOW_DESKTOP_SUPABASE_DIR: supabaseDir });
    const up = await stack.cli(['up', '--detach']);
    if (up.code !== 0) throw new Error(`up failed: ${up.stderr}`);
    api = new ControlClient(readControlFile(path.join(stack.dataDir, 'run', 'control.json'))!);
    dbUrl = (await stack.status()).DB_URL;
  });
  afterAll(async () => {
    await stack?.cleanup();
    rmSync(supabaseDir, { recursive: true, force: true });
  });

  it('lists the local migrations as applied, and nothing recorded yet', async () => {
    const info = await api.call('GET /v1/migrations', {});
    expect(info.migrationsDir).toBe(path.join(supabaseDir, 'migrations'));
    expect(info.pendingDir).toBe(path.join(supabaseDir, 'pending'));
    expect(info.local.length).toBeGreaterThan(5);
    expect(info.local.every((m) => m.applied === true && !m.changed)).toBe(true);
    expect(info.local[0]).toMatchObject({
      file: expect.stringMatching(/^\d+_\w+\.sql$/) as string,
      checksum: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
    });
    expect(info.localNote).toBeNull();
    expect({
      diff: info.lastDiff,
      pending: info.pending,
      lint: info.lint,
      tests: info.databaseTests,
    }).toEqual({
      diff: null,
      pending: [],
      lint: null,
      tests: null,
    });
  });

  it('shows what db diff wrote and db apply did, and serves a pending file by name only', async () => {
    await query(dbUrl, 'drop policy "Admins of a tenant select it" on public.tenants');
    const diff = await stack.cli(['db', 'diff', '--target', dbUrl, '--name', 'restore_policy']);
    expect(diff.code, diff.stderr).toBe(0);

    const info = await api.call('GET /v1/migrations', {});
    const file = info.lastDiff?.file;
    expect(file).toMatch(/^\d{14}_restore_policy\.sql$/);
    expect(info.lastDiff).toMatchObject({ statements: 1, noise: [], destructive: [], scratch: 'stack' });
    expect(info.pending).toEqual([
      {
        file,
        header: expect.objectContaining({
          name: 'restore_policy',
          target: expect.stringMatching(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/) as string,
          schemas: ['public', 'internal'],
        }) as object,
        statements: 1,
        noise: 0,
        destructive: 0,
        applied: [],
      },
    ]);

    const content = await api.call('GET /v1/migrations/pending', { file: file! });
    expect(content.text).toBe(readFileSync(path.join(supabaseDir, 'pending', file!), 'utf8'));
    expect(content.statements).toEqual([
      expect.stringMatching(/^create policy "Admins of a tenant select it"/),
    ]);
    for (const bad of ['../../secrets.json', 'nope.sql']) {
      const refused = await api.call('GET /v1/migrations/pending', { file: bad }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ControlCallError);
      expect((refused as ControlCallError).status).toBe(404);
    }

    const apply = await stack.cli([
      'db',
      'apply',
      '--target',
      dbUrl,
      path.join(supabaseDir, 'pending', file!),
      '--yes',
    ]);
    expect(apply.code, apply.stderr).toBe(0);
    const after = await api.call('GET /v1/migrations', {});
    expect(after.pending[0]?.applied).toEqual([
      { target: info.pending[0]?.header?.target, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string },
    ]);
  });

  it('runs the lint on a scratch database in the stack’s cluster and keeps the report', async () => {
    const report = await api.call('POST /v1/migrations/lint', {});
    expect(report.findings).toEqual([]);
    expect(report.rules).toContain('rls-disabled');
    expect((await api.call('GET /v1/migrations', {})).lint).toEqual(report);
    // The scratch database is gone again.
    expect(
      await query(dbUrl, `select datname from pg_database where datname like 'flow_desktop_scratch_%'`),
    ).toEqual([]);
  });

  it('reports a migration edited after it was applied, and the last recorded database-test run', async () => {
    const first = (await api.call('GET /v1/migrations', {})).local[0]!;
    appendFileSync(path.join(supabaseDir, 'migrations', first.file), '\n-- edited afterwards\n');
    const report: DatabaseTestReport = {
      at: '2025-01-01T00:00:00.000Z',
      durationMs: 1234,
      passed: 1,
      failed: 1,
      skipped: 0,
      tests: [
        {
          file: 'supabase/tests/rls.test.ts',
          name: 'rls works',
          status: 'passed',
          durationMs: 12,
          failure: null,
        },
        {
          file: 'supabase/tests/rls.test.ts',
          name: 'rls breaks',
          status: 'failed',
          durationMs: 3,
          failure: 'expected 1 to be 2',
        },
      ],
    };
    new DbToolsState(stack.dataDir).saveDatabaseTests(report);
    const info = await api.call('GET /v1/migrations', {});
    expect(info.local[0]).toMatchObject({ file: first.file, applied: true, changed: true });
    expect(info.databaseTests).toEqual(report);
  });
});
