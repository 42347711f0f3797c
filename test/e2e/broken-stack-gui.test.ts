import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ensureGuiBuilt } from '../../main/stack/gui-build.js';
import { SUPABASE_DIR } from '../../main/stack/project-paths.js';
import { launchBrowser, screenshot } from '../support/browser.js';
import { TestStack } from '../support/cli.js';
import { query } from '../support/sql.js';

/** When a start fails, the served GUI stays up to show why and to reset the stack. */
describe('Stack GUI on a broken stack (Chromium)', () => {
  let supabaseDir: string;
  let stack: TestStack;
  let browser: Browser;
  let page: Page;
  let link = '';

  beforeAll(async () => {
    await ensureGuiBuilt(() => undefined);
    supabaseDir = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-broken-'));
    cpSync(path.join(SUPABASE_DIR, 'bootstrap'), path.join(supabaseDir, 'bootstrap'), { recursive: true });
    mkdirSync(path.join(supabaseDir, 'migrations'));
    writeFileSync(
      path.join(supabaseDir, 'migrations', '1_broken.sql'),
      'create table t (x int);\nselect * from nowhere;\n',
    );
    stack = await TestStack.create({ FLOW_DESKTOP_SUPABASE_DIR: supabaseDir });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.cleanup();
    rmSync(supabaseDir, { recursive: true, force: true });
  });

  it('serve --detach fails with the reason and a link to the GUI, which shows the failed service', async () => {
    const serve = await stack.cli(['serve', '--detach']);
    expect(serve.code).toBe(1);
    const match =
      /the stack started with migrate, supabase-api failed; the GUI is up to inspect and reset it: (\S+)/.exec(
        serve.stderr,
      );
    expect(match).not.toBeNull();
    link = match![1]!;
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(link);
    const migrate = page.locator('[data-testid="service-migrate"]');
    await expect.poll(() => migrate.getAttribute('data-state')).toBe('failed');
    expect(await migrate.locator('summary').textContent()).toBe(
      '1_broken.sql:2: relation "nowhere" does not exist (SQLSTATE 42P01)',
    );
    expect(await page.locator('[data-testid="stack-state"]').textContent()).toBe('degraded');
    await screenshot(page, 'broken-stack');
  });

  it('resets the database from the GUI once the migration is fixed', async () => {
    writeFileSync(path.join(supabaseDir, 'migrations', '1_broken.sql'), 'create table t (x int);\n');
    await page.getByRole('tab', { name: 'Resets' }).click();
    await page
      .locator('[data-testid="tier-reset-database"]')
      .getByRole('button', { name: 'Reset the database…' })
      .click();
    await page.getByRole('button', { name: 'Confirm: reset the database' }).click();
    await expect
      .poll(() => page.locator('[data-testid="reset-result"]').textContent(), { timeout: 30_000 })
      .toMatch(/^Reset the database: done in/);
    await page.getByRole('tab', { name: 'Services' }).click();
    await expect
      .poll(() => page.locator('[data-testid="service-migrate"]').getAttribute('data-state'))
      .toBe('completed');
    await expect
      .poll(() => page.locator('[data-testid="stack-state"]').textContent(), { timeout: 20_000 })
      .toBe('running');
    const status = await stack.status();
    expect(await query(status.DB_URL, `select to_regclass('public.t')::text as t`)).toEqual([{ t: 't' }]);
  });
});
