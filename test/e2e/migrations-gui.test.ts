import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SUPABASE_DIR } from '../../main/stack/project-paths.js';
import { screenshot } from '../support/browser.js';
import { startGui, type GuiSession } from '../support/gui.js';
import { query } from '../support/sql.js';

/** The migrations page in real Chromium, against a running stack and what the real `db` commands recorded. */
describe('Migrations page (headless mode, Chromium)', () => {
  let supabaseDir: string;
  let gui: GuiSession;
  let page: Page;
  const section = (id: string): ReturnType<Page['locator']> => page.locator(`[data-testid="${id}"]`);

  beforeAll(async () => {
    supabaseDir = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-gui-supabase-'));
    for (const part of ['bootstrap', 'migrations', 'seed.sql']) {
      cpSync(path.join(SUPABASE_DIR, part), path.join(supabaseDir, part), { recursive: true });
    }
    gui = await startGui({ env: { FLOW_DESKTOP_SUPABASE_DIR: supabaseDir } });
    page = gui.page;
    // Drift the stack's own database: a policy gone, and privileges of drafts re-granted in another order.
    await query(
      gui.status.DB_URL,
      `drop policy "Admins of a tenant select it" on public.tenants;
       revoke all on table public.drafts from service_role;
       grant all on table public.drafts to service_role;`,
    );
    const diff = await gui.stack.cli([
      'db',
      'diff',
      '--target',
      gui.status.DB_URL,
      '--name',
      'from_gui_test',
    ]);
    if (diff.code !== 0) throw new Error(`db diff failed: ${diff.stderr}`);
  });
  afterAll(async () => {
    await gui?.close();
    rmSync(supabaseDir, { recursive: true, force: true });
  });

  it('lists the local migrations, the last diff and the pending file, opened by its hash route', async () => {
    await page.goto(`${new URL(page.url()).origin}/#/migrations`);
    await expect.poll(() => section('local-migration').count()).toBeGreaterThan(5);
    expect(await page.locator('[data-testid="local-migration"][data-applied="true"]').count()).toBe(
      await section('local-migration').count(),
    );
    await expect
      .poll(() => section('diff-result').textContent())
      .toMatch(
        /^1 statement to apply, written to \d{14}_from_gui_test\.sql\. 2 statements flagged as privilege-reordering noise \(not applied\)\.$/,
      );
    const row = section('pending-file');
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain('2 noise');
  });

  it('shows the pending file with the noise flagged as not applied', async () => {
    await section('pending-file').getByRole('button', { name: 'View' }).click();
    const lines = section('pending-line');
    await expect.poll(() => lines.count()).toBeGreaterThan(10);
    const noise = page.locator('[data-testid="pending-line"][data-kind="noise"]');
    expect(await noise.count()).toBe(2);
    expect(await noise.first().textContent()).toMatch(
      /^noise · not applied-- noise: revoke all privileges on table "public"\."drafts"/,
    );
    expect(
      await page
        .locator('[data-testid="pending-line"][data-kind="sql"]', { hasText: 'create policy' })
        .count(),
    ).toBe(1);
    await screenshot(page, 'migrations-pending');
  });

  it('runs the lint from the page and shows its result', async () => {
    await section('lint').getByRole('button', { name: 'Run lint' }).click();
    await expect.poll(() => section('lint-result').textContent(), { timeout: 30_000 }).toBe('No findings.');
    expect(await section('database-tests').textContent()).toContain('No recorded run.');
    await screenshot(page, 'migrations-lint');
  });
});
