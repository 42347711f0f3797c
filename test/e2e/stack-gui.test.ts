import { readFileSync } from 'node:fs';

import { strFromU8, unzipSync } from 'fflate';
import { createClient, type RealtimeClientOptions } from '@supabase/supabase-js';
import { jwtVerify } from 'jose';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ensureGuiBuilt } from '../../main/stack/gui-build.js';
import { launchBrowser, screenshot } from '../support/browser.js';
import { TestStack, type StatusJson } from '../support/cli.js';

type RealtimeTransport = RealtimeClientOptions['transport'];

/** Node 20 has no WebSocket and the embedded API serves no realtime: a transport that is never used. */
class NoWebSocket {
  constructor() {
    throw new Error('realtime is not served by the embedded API');
  }
}

/** The GUI of `flow-desktop serve` in real Chromium, against a real stack. */
describe('Stack GUI (headless mode, Chromium)', () => {
  let stack: TestStack;
  let browser: Browser;
  let page: Page;
  let status: StatusJson & { UI_URL?: string };
  const card = (name: string): ReturnType<Page['locator']> => page.locator(`[data-testid="service-${name}"]`);

  beforeAll(async () => {
    await ensureGuiBuilt(() => undefined);
    stack = await TestStack.create();
    const serve = await stack.cli(['serve', '--detach']);
    if (serve.code !== 0) throw new Error(`serve failed: ${serve.stderr}`);
    expect(serve.stdout).toMatch(/Open the GUI: http:\/\/127\.0\.0\.1:\d+\/#code=/);
    status = await stack.status();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(status.UI_URL!);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.cleanup();
  });

  it('signs in with the one-time link and shows every service healthy', async () => {
    await expect.poll(() => card('postgres').getAttribute('data-state')).toBe('healthy');
    await expect.poll(() => card('migrate').getAttribute('data-state')).toBe('completed');
    expect(await page.locator('[data-testid="stack-state"]').textContent()).toBe('running');
    // The API's card names both of its addresses: the API's port is its Port, the mailbox's is said apart.
    expect(await card('supabase-api').locator('p.muted').first().textContent()).toBe(
      `REST (/rest/v1) and Auth (/auth/v1) at ${status.API_URL}. Mailbox (the e-mails Auth sends) on its own port: ${status.INBUCKET_URL}.`,
    );
    expect(await card('edge-functions').locator('p.muted').first().textContent()).toBe(
      `Edge Functions (supabase/functions), served by the API at ${status.API_URL}/functions/v1`,
    );
    // The code is gone from the address bar, and it cannot be used twice.
    expect(page.url()).not.toContain('code=');
    const again = await browser.newPage();
    await again.goto(status.UI_URL!);
    await expect
      .poll(() => again.locator('[role="alert"]').textContent())
      .toMatch(/expired or was already used/);
    await again.close();
    await screenshot(page, 'dashboard');
  });

  it('updates a card live when its service is stopped and started', async () => {
    await card('postgres').getByRole('button', { name: 'Stop', exact: true }).click();
    // Stopping postgres stops what depends on it: the card says which, and asks first.
    const confirm = card('postgres').locator('[data-testid="confirm-stop"]');
    expect(await confirm.textContent()).toContain('Stopping postgres also stops migrate, supabase-api');
    await confirm.getByRole('button', { name: /^Stop postgres and \d+ more$/ }).click();
    await expect.poll(() => card('postgres').getAttribute('data-state')).toBe('stopped');
    await expect.poll(() => card('migrate').getAttribute('data-state')).toBe('stopped');
    await screenshot(page, 'postgres-stopped');
    await card('postgres').getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => card('postgres').getAttribute('data-state'), { timeout: 20_000 }).toBe('healthy');
    await expect
      .poll(() => card('migrate').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('completed');
  });

  it('shows a killed service coming back, with its restart counted', async () => {
    const before = (await stack.status()).services.find((s) => s.name === 'postgres')!;
    const restartsBefore = Number(await card('postgres').locator('[data-testid="restarts"]').textContent());
    process.kill(before.pid!, 'SIGKILL');
    await expect
      .poll(() => card('postgres').locator('[data-testid="restarts"]').textContent(), { timeout: 20_000 })
      .toBe(String(restartsBefore + 1));
    await expect.poll(() => card('postgres').getAttribute('data-state'), { timeout: 20_000 }).toBe('healthy');
  });

  it('streams logs and filters them with a regular expression', async () => {
    await page.getByRole('tab', { name: 'Logs' }).click();
    await page.locator('[data-testid="log-service"]').selectOption('postgres');
    await page.locator('[data-testid="log-filter"]').fill('ready to accept|crashed');
    const lines = page.locator('[data-testid="log-lines"] .log-line');
    await expect.poll(() => lines.count()).toBeGreaterThan(1);
    for (const text of await lines.allTextContents()) expect(text).toMatch(/ready to accept|crashed/i);
    // A line logged now arrives without reloading.
    const count = await lines.count();
    await stack.cli(['restart', 'postgres']);
    await expect.poll(() => lines.count(), { timeout: 20_000 }).toBeGreaterThan(count);
    await screenshot(page, 'logs');
  });

  it('shows connection details with the service key masked until revealed, and the keys are valid', async () => {
    await page.getByRole('tab', { name: 'Connection' }).click();
    const anon = page.locator('[data-testid="conn-ANON_KEY"] .value');
    const service = page.locator('[data-testid="conn-SERVICE_ROLE_KEY"] .value');
    expect(await anon.textContent()).toBe(status.ANON_KEY);
    expect(await service.textContent()).toMatch(/^•+$/);
    await screenshot(page, 'connection');
    await page
      .locator('[data-testid="conn-SERVICE_ROLE_KEY"]')
      .getByRole('button', { name: 'Reveal' })
      .click();
    expect(await service.textContent()).toBe(status.SERVICE_ROLE_KEY);
    const secret = new TextEncoder().encode(status.JWT_SECRET);
    expect((await jwtVerify(status.ANON_KEY, secret)).payload.role).toBe('anon');
    expect((await jwtVerify(status.SERVICE_ROLE_KEY, secret)).payload.role).toBe('service_role');
  });

  it('gives keys that work with supabase-js against the API, under RLS', async () => {
    const supabase = createClient(status.API_URL, status.ANON_KEY, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: NoWebSocket as unknown as NonNullable<RealtimeTransport> },
    });
    const anonymous = await supabase.from('user_grants').select('object_role');
    // anon has no privileges on control-plane tables: PostgREST's 42501, not an empty list.
    expect(anonymous.error?.code).toBe('42501');
    const signIn = await supabase.auth.signInWithPassword({
      email: 'alice@example.com',
      password: 'password',
    });
    expect(signIn.error).toBeNull();
    const grants = await supabase.from('user_grants').select('object_role, capability');
    expect(grants.data).toContainEqual({ object_role: 'aliceCo/', capability: 'admin' });
    const admin = createClient(status.API_URL, status.SERVICE_ROLE_KEY, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: NoWebSocket as unknown as NonNullable<RealtimeTransport> },
    });
    const all = await admin.from('user_grants').select('object_role', { count: 'exact', head: true });
    expect(all.count).toBeGreaterThan(grants.data?.length ?? 0);
  });

  it('shows the magic link and code Auth sent in the mailbox view', async () => {
    const supabase = createClient(status.API_URL, status.ANON_KEY, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: NoWebSocket as unknown as NonNullable<RealtimeTransport> },
    });
    const sent = await supabase.auth.signInWithOtp({ email: 'bob@example.com' });
    expect(sent.error).toBeNull();
    await page.getByRole('tab', { name: 'Mailbox' }).click();
    const message = page.locator('[data-testid="mail-message"]').filter({ hasText: 'bob@example.com' });
    await expect.poll(() => message.count(), { timeout: 10_000 }).toBe(1);
    const otp = await message.locator('[data-testid="mail-otp"]').textContent();
    expect(otp).toMatch(/^\d{6}$/);
    expect(await message.locator('[data-testid="mail-link"]').getAttribute('href')).toMatch(
      /\/auth\/v1\/verify\?token=/,
    );
    await screenshot(page, 'mailbox');
    // The code from the mailbox signs bob in.
    const verified = await supabase.auth.verifyOtp({ email: 'bob@example.com', token: otp!, type: 'email' });
    expect(verified.error).toBeNull();
    expect(verified.data.user?.email).toBe('bob@example.com');
  });

  it('resets the database from the reset tiers, after a confirmation', async () => {
    const client = new pg.Client({ connectionString: status.DB_URL });
    await client.connect();
    await client.query('create table scratch (x int)');
    await client.end();
    await page.getByRole('tab', { name: 'Resets' }).click();
    await page
      .locator('[data-testid="tier-reset-database"]')
      .getByRole('button', { name: 'Reset the database…' })
      .click();
    await screenshot(page, 'reset-confirm');
    await page.getByRole('button', { name: 'Confirm: reset the database' }).click();
    await expect
      .poll(() => page.locator('[data-testid="reset-result"]').textContent(), { timeout: 30_000 })
      .toMatch(/^Reset the database: done in \d+\.\d s\.$/);
    const after = new pg.Client({ connectionString: status.DB_URL });
    await after.connect();
    const { rows } = await after.query(`select to_regclass('public.scratch') as t`);
    await after.end();
    expect(rows[0]).toEqual({ t: null });
  });

  it('saves settings for the next start, validates them, and says which Flow binaries were found', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    const agents = page.getByLabel('Agent instances');
    await agents.fill('3');
    await page.getByLabel('Flow bin directory').fill('/nonexistent/flow/bin');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => page.getByRole('status').last().textContent())
      .toBe('Saved. Restart the stack to apply.');
    expect(await page.locator('.binaries').textContent()).toMatch(/✕ flowctl-go.*not found/);
    await screenshot(page, 'settings');
    const saved = JSON.parse(readFileSync(`${stack.dataDir}/settings.json`, 'utf8')) as {
      agentCount: number;
    };
    expect(saved.agentCount).toBe(3);
    // A bad combination is refused by the server with the reason, and nothing is saved.
    await page.getByLabel('Postgres port').fill(String(stack.apiPort));
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => page.getByRole('status').last().textContent())
      .toBe('two services cannot share a port');
    expect(JSON.parse(readFileSync(`${stack.dataDir}/settings.json`, 'utf8'))).toEqual(saved);
  });

  it('writes a diagnostics bundle with the secrets redacted', async () => {
    await page.getByRole('tab', { name: 'Checks' }).click();
    expect(await page.locator('.checks li').count()).toBeGreaterThanOrEqual(3);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download diagnostics' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^flow-desktop-diagnostics-.*\.zip$/);
    await expect
      .poll(() => page.locator('[data-testid="diagnostics-path"]').textContent())
      .toMatch(/was downloaded; a copy is at .*diagnostics-.*\.zip\.$/);
    await screenshot(page, 'checks');
    // The browser's copy is the bundle itself.
    const file = await download.path();
    const entries = unzipSync(readFileSync(file));
    expect(Object.keys(entries)).toEqual(
      expect.arrayContaining(['status.json', 'versions.json', 'logs/postgres.log']),
    );
    const everything = Object.values(entries)
      .map((bytes) => strFromU8(bytes))
      .join('\n');
    for (const secret of [status.JWT_SECRET, status.SERVICE_ROLE_KEY, status.ANON_KEY])
      expect(everything).not.toContain(secret);
    expect(strFromU8(entries['status.json']!)).toContain('[REDACTED]');
  });

  it('refuses the control API without the token or from a foreign origin', async () => {
    const base = new URL(status.UI_URL!).origin;
    expect((await fetch(`${base}/v1/status`)).status).toBe(401);
    const control = JSON.parse(readFileSync(`${stack.dataDir}/run/control.json`, 'utf8')) as {
      token: string;
    };
    const auth = { authorization: `Bearer ${control.token}` };
    expect((await fetch(`${base}/v1/status`, { headers: auth })).status).toBe(200);
    expect(
      (await fetch(`${base}/v1/status`, { headers: { ...auth, origin: 'http://evil.example' } })).status,
    ).toBe(403);
  });

  it('never shows a stale screen as live: once the supervisor is gone, the cards say they are its last report', async () => {
    await page.evaluate(`window.location.hash = '/services'`);
    await expect.poll(() => card('postgres').getAttribute('data-state')).toBe('healthy');
    expect(await page.locator('[data-testid="services-stale"]').count()).toBe(0);
    expect((await stack.cli(['down'])).code).toBe(0);
    await expect
      .poll(() => page.locator('[data-testid="services-stale"]').textContent())
      .toMatch(/^The supervisor stopped answering at .*: these are the states it last reported/);
    expect(await page.locator('[data-testid="stack-state"]').textContent()).toBe('disconnected');
    for (const name of ['postgres', 'supabase-api']) {
      expect(await card(name).getAttribute('data-stale'), name).toBe('true');
      // Whatever it last said (healthy, or stopping as `down` began), said as its last report.
      expect(await card(name).locator('[data-testid="state"]').textContent(), name).toMatch(
        /^last reported (healthy|stopping|stopped)$/,
      );
      // Nothing to ask of a supervisor that is gone, and no uptime that keeps counting.
      const buttons = await card(name).getByRole('button').all();
      expect(buttons.length, name).toBeGreaterThan(0);
      for (const button of buttons) expect(await button.isDisabled(), name).toBe(true);
      expect(await card(name).locator('dd').first().textContent(), name).toBe('–');
    }
    await screenshot(page, 'services-supervisor-gone');
  });
});
