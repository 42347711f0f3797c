import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { screenshot } from '../support/browser.js';
import { type GuiSession, goTo, signInAs, startGui } from '../support/gui.js';
import { ROUTE_SEGMENTS } from '../support/gui-routes.js';
import { offscreenElements } from '../support/layout.js';

const LONG_NAME =
  'aliceCo/a-rather-long-folder-name/with-deeply-nested/parts-that-go-on-and-on/greetings-collection';

/** Every main view in both themes, the layout from 1024 to 1920 px, and unsaved edits guarded (Chromium). */
describe('GUI tour: views, themes, layout and editing safety', () => {
  let gui: GuiSession;
  let page: Page;
  let draftUrl = '';
  const testId = (id: string): ReturnType<Page['locator']> => page.locator(`[data-testid="${id}"]`);

  beforeAll(async () => {
    gui = await startGui({ agents: 1 });
    page = gui.page;
  });
  afterAll(async () => {
    await gui?.close();
  });

  it('publishes a collection under a long name and opens a draft to look at', async () => {
    await signInAs(page, 'alice');
    // A published collection under a long name, so the catalog has a row to show (and to ellipsize).
    await goTo(page, '/drafts');
    await testId('new-draft-detail').fill(
      'Tour draft with a long description that could push the buttons away',
    );
    await testId('create-draft').click();
    await page.waitForSelector('[data-testid="draft-editor"]');
    await testId('add-spec-name').fill(LONG_NAME);
    await testId('add-spec').click();
    await page.waitForSelector(`[data-testid="spec-item"][data-name="${LONG_NAME}"]`);
    await testId('publish').click();
    await page.waitForSelector('[data-testid="publication-result"][data-status="success"]', {
      timeout: 60_000,
    });
    // A draft that stays, for the editor's screenshots and the unsaved-edit prompts.
    await goTo(page, '/drafts');
    await testId('new-draft-detail').fill('Tour draft');
    await testId('create-draft').click();
    await page.waitForSelector('[data-testid="draft-editor"]');
    await testId('add-spec-name').fill('aliceCo/tour/orders');
    await testId('add-spec').click();
    await page.waitForSelector('[data-testid="spec-item"][data-name="aliceCo/tour/orders"]');
    draftUrl = page.url();
  });

  const setTheme = async (theme: 'light' | 'dark'): Promise<void> => {
    await page.evaluate(`localStorage.setItem('flow-desktop-theme', '${theme}')`);
    await page.reload();
    await page.waitForSelector('[data-testid="stack-state"]');
  };

  for (const theme of ['light', 'dark'] as const) {
    it(`shows every main view in the ${theme} theme`, async () => {
      await page.setViewportSize({ width: 1280, height: 860 });
      await setTheme(theme);
      for (const segment of ROUTE_SEGMENTS) {
        await goTo(page, `/${segment}`);
        await page.waitForTimeout(400);
        expect(await page.locator('[data-testid="view-crashed"]').count(), segment).toBe(0);
        await screenshot(page, `tour-${segment}-${theme}`);
      }
      await page.goto(draftUrl);
      await page.waitForSelector('[data-testid="draft-editor"]');
      await screenshot(page, `tour-draft-editor-${theme}`);
      await goTo(page, `/catalog/${encodeURIComponent(LONG_NAME)}`);
      await page.waitForSelector('[data-testid="spec-page"]');
      await screenshot(page, `tour-catalog-spec-${theme}`);
    });
  }

  for (const width of [1024, 1280, 1920]) {
    it(`holds its layout at ${width} px on every view: top bar in view, publish bar on one line, long names ellipsized`, async () => {
      await page.setViewportSize({ width, height: 800 });
      await setTheme('light');
      const inView = async (selector: string): Promise<void> => {
        const box = await page.locator(selector).first().boundingBox();
        expect(box, selector).not.toBeNull();
        expect(box!.x, selector).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width, selector).toBeLessThanOrEqual(width);
      };
      // Every main view, the draft editor and a spec's page: nothing past the right edge that cannot be
      // scrolled to, nothing scrolls the page sideways, and the top bar's controls stay in view.
      const views = [
        ...ROUTE_SEGMENTS.map((segment) => ({ name: segment, open: () => goTo(page, `/${segment}`) })),
        {
          name: 'draft editor',
          open: async () => {
            await page.goto(draftUrl);
            await page.waitForSelector('[data-testid="draft-editor"]');
          },
        },
        {
          name: 'catalog spec',
          open: async () => {
            await goTo(page, `/catalog/${encodeURIComponent(LONG_NAME)}`);
            await page.waitForSelector('[data-testid="spec-page"]');
          },
        },
      ];
      for (const view of views) {
        await view.open();
        await page.waitForTimeout(300);
        expect(await offscreenElements(page), view.name).toEqual([]);
        expect(await page.evaluate('document.documentElement.scrollWidth'), view.name).toBeLessThanOrEqual(
          width,
        );
        for (const selector of ['[data-testid="user-email"]', '.user-badge button', '.view-title'])
          await inView(selector);
      }
      await page.goto(draftUrl);
      await page.waitForSelector('[data-testid="draft-editor"]');
      for (const selector of ['[data-testid="publish"]', '[data-testid="dry-run"]']) await inView(selector);
      // The publish bar is one line: the title, its buttons and the spec count share one row.
      const rows = await page.evaluate(`(() => {
        const bar = document.querySelector('[data-testid="draft-title"]').parentElement;
        return [...bar.children].filter((c) => c.getBoundingClientRect().height > 0)
          .map((c) => Math.round(c.getBoundingClientRect().top + c.getBoundingClientRect().height / 2));
      })()`);
      const centres = rows as number[];
      expect(Math.max(...centres) - Math.min(...centres), String(centres)).toBeLessThan(12);
      await goTo(page, '/catalog');
      const row = page.locator(`[data-testid="catalog-row"][data-name="${LONG_NAME}"] .catalog-name`);
      await row.waitFor();
      expect(await row.getAttribute('title')).toBe(LONG_NAME);
      if (width === 1024) {
        // Too long for its column: cut with an ellipsis, whole on hover.
        expect(
          await row.evaluate(
            (el: { scrollWidth: number; clientWidth: number }) => el.scrollWidth > el.clientWidth,
          ),
        ).toBe(true);
        await screenshot(page, 'tour-catalog-1024');
        await page.goto(draftUrl);
        await page.waitForSelector('[data-testid="draft-editor"]');
        await screenshot(page, 'tour-draft-editor-1024');
      }
    });
  }

  it('asks before leaving or reloading with unsaved edits, and keeps them when the user stays', async () => {
    await page.setViewportSize({ width: 1360, height: 860 });
    await page.goto(draftUrl);
    await page.waitForSelector('[data-testid="draft-editor"]');
    const editor = page.locator('.cm-content').first();
    await editor.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' ');
    await page.waitForSelector('.unsaved-dot');
    // In-app navigation: the GUI asks; "Cancel" stays in the draft with the edit.
    const dialogs: string[] = [];
    page.once('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await testId('nav-catalog').click();
    await expect.poll(() => dialogs.length).toBe(1);
    expect(dialogs[0]).toBe(
      'confirm: You have unsaved changes to aliceCo/tour/orders. Leave this draft and lose them?',
    );
    expect(page.url()).toBe(
      draftUrl.split('?')[0] + (draftUrl.includes('?') ? `?${draftUrl.split('?')[1]}` : ''),
    );
    expect(await page.locator('.unsaved-dot').count()).toBe(1);
    // A reload: the browser's own prompt.
    page.once('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.dismiss();
    });
    await page.evaluate('setTimeout(() => location.reload(), 0)');
    await expect.poll(() => dialogs.length).toBe(2);
    expect(dialogs[1]).toBe('beforeunload');
    expect(await page.locator('.unsaved-dot').count()).toBe(1);
    // Leaving for real once accepted.
    page.once('dialog', (dialog) => void dialog.accept());
    await testId('nav-catalog').click();
    await expect.poll(() => page.url()).toMatch(/#\/catalog$/);
  });

  it('keeps the top bar in view at 1024 px for a long e-mail address: it ellipsizes, whole on hover', async () => {
    const email =
      'a-rather-long-address-for-the-top-bar.of-flow-desktop@a-subdomain.of-an-example-company.example.com';
    const signUp = await fetch(`${gui.status.API_URL}/auth/v1/signup`, {
      method: 'POST',
      headers: { apikey: gui.status.ANON_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'a-long-password' }),
    });
    expect(signUp.status).toBe(200);
    await page.setViewportSize({ width: 1024, height: 800 });
    await goTo(page, '/account');
    await testId('password-email').fill(email);
    await testId('password-password').fill('a-long-password');
    await page.getByRole('button', { name: 'Sign in with password', exact: true }).click();
    await expect.poll(() => testId('user-email').textContent()).toBe(email);
    expect(await testId('user-email').getAttribute('title')).toBe(email);
    expect(
      await testId('user-email').evaluate(
        (el: { scrollWidth: number; clientWidth: number }) => el.scrollWidth > el.clientWidth,
      ),
    ).toBe(true);
    for (const segment of ROUTE_SEGMENTS) {
      await goTo(page, `/${segment}`);
      await page.waitForTimeout(200);
      expect(await offscreenElements(page), segment).toEqual([]);
      for (const selector of ['.user-badge button', '.view-title', '[data-testid="user-email"]']) {
        const box = await page.locator(selector).first().boundingBox();
        expect(box, `${segment} ${selector}`).not.toBeNull();
        expect(box!.x + box!.width, `${segment} ${selector}`).toBeLessThanOrEqual(1024);
      }
    }
    await screenshot(page, 'tour-long-email-1024');
  });
});
