import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { screenshot } from '../support/browser.js';
import { type GuiSession, goTo, signInAs, startGui } from '../support/gui.js';

/** Sign-in to the GUI itself: one cookie session for every tab, deep links that survive it, no token in a URL. */
describe('GUI session (headless mode, Chromium)', () => {
  let gui: GuiSession;
  let origin: string;

  beforeAll(async () => {
    gui = await startGui();
    origin = new URL(gui.page.url()).origin;
  });
  afterAll(async () => {
    await gui?.close();
  });

  const gate = (page: Page): ReturnType<Page['locator']> => page.locator('[data-testid="sign-in-gate"]');

  it('trades the link for an HttpOnly, SameSite=Strict cookie and leaves no code in the address bar', async () => {
    expect(gui.page.url()).toBe(`${origin}/#/services`);
    const cookies = await gui.context.cookies(origin);
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookies[0]!.name).toBe(`flow_desktop_session_${new URL(origin).port}`);
    // The page's scripts can read neither the cookie nor a token.
    expect(await gui.page.evaluate('document.cookie')).toBe('');
    expect(await gui.page.evaluate('JSON.stringify({ ...sessionStorage, ...localStorage })')).not.toMatch(
      /flow-desktop-token/,
    );
  });

  it('signs in every new tab of the browser, on the view its address names', async () => {
    await signInAs(gui.page, 'alice');
    const tab = await gui.context.newPage();
    await tab.goto(`${origin}/#/catalog?type=collection`);
    await expect.poll(() => tab.locator('[data-testid="stack-state"]').textContent()).toBe('running');
    expect(await gate(tab).count()).toBe(0);
    await expect
      .poll(() => tab.locator('[data-testid="user-email"]').textContent())
      .toBe('alice@example.com');
    await expect.poll(() => tab.locator('[data-testid="catalog-type"]').inputValue()).toBe('collection');
    expect(tab.url()).toBe(`${origin}/#/catalog?type=collection`);
    await tab.close();
  });

  it('keeps a deep link through sign-in: a signed-out browser pastes a fresh link and stays on the view', async () => {
    const context = await gui.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${origin}/#/catalog?type=capture`);
    await expect.poll(() => gate(page).count()).toBe(1);
    const text = (await gate(page).textContent()) ?? '';
    expect(text).toContain(
      `This browser is not signed in to the Flow Desktop GUI at ${new URL(origin).host}.`,
    );
    expect(text).not.toContain('`');
    expect(await page.locator('[data-testid="sign-in-return"]').textContent()).toContain(
      '#/catalog?type=capture',
    );
    await screenshot(page, 'gui-sign-in-gate');
    // A link for another address, and a used one, are refused with a sentence.
    await page.locator('[data-testid="sign-in-link"]').fill('http://127.0.0.1:1/#code=abc');
    await page.locator('[data-testid="sign-in-submit"]').click();
    await expect
      .poll(() => page.locator('[data-testid="sign-in-problem"]').textContent())
      .toContain('That link is for 127.0.0.1:1, another GUI');
    await page.locator('[data-testid="sign-in-link"]').fill(await gui.freshLink());
    await page.locator('[data-testid="sign-in-submit"]').click();
    await expect.poll(() => page.locator('[data-testid="stack-state"]').textContent()).toBe('running');
    expect(page.url()).toBe(`${origin}/#/catalog?type=capture`);
    await context.close();
  });

  it('sends a link opened in a new tab on to the view the signed-out tab was opened on', async () => {
    const context = await gui.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const first = await context.newPage();
    await first.goto(`${origin}/#/grants`);
    await expect.poll(() => gate(first).count()).toBe(1);
    const second = await context.newPage();
    await second.goto(await gui.freshLink());
    await expect.poll(() => second.locator('[data-testid="stack-state"]').textContent()).toBe('running');
    expect(second.url()).toBe(`${origin}/#/grants`);
    // A used link in a third tab says so, in a sentence with the command as code.
    const third = await context.newPage();
    const used = await gui.freshLink();
    await second.goto(used);
    await expect.poll(() => second.locator('[data-testid="stack-state"]').textContent()).toBe('running');
    await third.goto(used);
    await expect
      .poll(() => third.locator('[data-testid="sign-in-reason"]').textContent())
      .toBe('This sign-in link has expired or was already used. Run flow-desktop status for a new one.');
    expect(await third.locator('[data-testid="sign-in-reason"] code').textContent()).toBe(
      'flow-desktop status',
    );
    await context.close();
  });

  it("follows the mailbox's magic link in a new tab: signed in, on the Account page, no token in the URL", async () => {
    const context = await gui.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(await gui.freshLink());
    await expect.poll(() => page.locator('[data-testid="stack-state"]').textContent()).toBe('running');
    await goTo(page, '/account');
    await page.locator('[data-testid="magic-link-email"]').fill('bob@example.com');
    await page.getByRole('button', { name: 'Send a sign-in link', exact: true }).click();
    await expect
      .poll(() => page.locator('[data-testid="account-notice"]').textContent())
      .toContain('A sign-in link was sent');
    await goTo(page, '/mailbox');
    const message = page.locator('[data-testid="mail-message"]').filter({ hasText: 'bob@example.com' });
    await expect.poll(() => message.count()).toBeGreaterThan(0);
    const [popup] = await Promise.all([
      context.waitForEvent('page'),
      message.first().locator('[data-testid="mail-link"]').click(),
    ]);
    await expect
      .poll(() => popup.locator('[data-testid="user-email"]').textContent())
      .toBe('bob@example.com');
    expect(popup.url()).toBe(`${origin}/#/account`);
    expect(await popup.evaluate('history.length')).toBeGreaterThan(0);
    expect(await gate(popup).count()).toBe(0);
    await context.close();
  });

  it('shows the sign-in screen in every tab once the session ends', async () => {
    const context = await gui.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(await gui.freshLink());
    await expect.poll(() => page.locator('[data-testid="stack-state"]').textContent()).toBe('running');
    const other = await context.newPage();
    await other.goto(`${origin}/#/logs`);
    await expect.poll(() => other.locator('[data-testid="stack-state"]').textContent()).toBe('running');
    await page.evaluate(
      "fetch('/v1/session', { method: 'DELETE', headers: { 'x-requested-by': 'flow-desktop' } })",
    );
    await expect.poll(() => gate(other).count(), { timeout: 20_000 }).toBe(1);
    expect(await gate(other).textContent()).toContain('The session of this browser ended');
    await context.close();
  });
});
