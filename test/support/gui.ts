import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

import { ensureGuiBuilt } from '../../main/stack/gui-build.js';
import { launchBrowser } from './browser.js';
import { type StatusJson, TestStack } from './cli.js';

/** A `flow-desktop serve` stack with the GUI open in headless Chromium. */
export interface GuiSession {
  readonly stack: TestStack;
  readonly browser: Browser;
  /** The browser profile of `page`: its tabs share the GUI's session cookie and supabase-js's saved session. */
  readonly context: BrowserContext;
  readonly page: Page;
  readonly status: StatusJson & { UI_URL?: string };
  /**
   * Opens a signed-in tab in a browser profile of its own (another user's browser: its own cookies and saved
   * supabase-js session), signed in with a fresh UI link (a link is single-use).
   */
  newPage: () => Promise<Page>;
  /** A fresh one-time UI link (`status --json`'s UI_URL). */
  freshLink: () => Promise<string>;
  /** Stops the browser and the stack, by pid. */
  close: () => Promise<void>;
}

/** Starts a stack with `serve --detach` (agents as asked; env e.g. FLOW_DESKTOP_BIN_DIR) and opens the GUI. */
export async function startGui(
  options: { agents?: number; env?: Record<string, string> } = {},
): Promise<GuiSession> {
  await ensureGuiBuilt(() => undefined);
  const stack = await TestStack.create({ FLOW_DESKTOP_AGENTS: String(options.agents ?? 0), ...options.env });
  let browser: Browser | undefined;
  try {
    const serve = await stack.cli(['serve', '--detach']);
    if (serve.code !== 0) throw new Error(`serve failed: ${serve.stderr}`);
    const status = (await stack.status()) as StatusJson & { UI_URL?: string };
    const openBrowser = await launchBrowser();
    browser = openBrowser;
    const freshLink = async (): Promise<string> => {
      const link = await stack.cli(['status', '--json']);
      const url = (JSON.parse(link.stdout) as { UI_URL?: string }).UI_URL;
      if (!url) throw new Error('status --json gave no UI_URL');
      return url;
    };
    const open = async (): Promise<{ page: Page; context: BrowserContext }> => {
      const url = await freshLink();
      const context = await openBrowser.newContext({ viewport: { width: 1360, height: 860 } });
      const page = await context.newPage();
      await page.goto(url);
      // Not expect.poll: startGui runs in beforeAll hooks, where vitest allows no expect.poll.
      const running = page.locator('[data-testid="stack-state"]', { hasText: /^running$/ });
      try {
        await running.waitFor({ timeout: 30_000 });
      } catch {
        // Another test may have rebuilt the GUI while this page loaded (its old assets are gone): reload once.
        // The session cookie is kept for the browser profile, so the reload stays signed in.
        await page.reload();
        await running.waitFor({ timeout: 30_000 });
      }
      return { page, context };
    };
    const { page, context } = await open();
    return {
      stack,
      browser: openBrowser,
      context,
      page,
      status,
      newPage: async () => (await open()).page,
      freshLink,
      close: async () => {
        await openBrowser.close();
        await stack.cleanup();
      },
    };
  } catch (error) {
    await browser?.close();
    await stack.cleanup();
    throw error;
  }
}

/** Goes to a view by its hash route (`/drafts`, `/catalog/aliceCo/x`), keeping the tab's session. */
export async function goTo(page: Page, path: string): Promise<void> {
  // A string expression: this file is type-checked without the DOM library.
  await page.evaluate(`window.location.hash = ${JSON.stringify(path)}`);
}

/** Signs in with the one-click button of a seeded account on the Account page, and waits for the badge. */
export async function signInAs(page: Page, who: 'alice' | 'bob' | 'carol' | 'accounts'): Promise<void> {
  await goTo(page, '/account');
  await page.getByRole('button', { name: `Sign in as ${who}`, exact: true }).click();
  // The seed's support account has the production domain (supabase/seed.sql).
  const email = who === 'accounts' ? 'accounts@estuary.dev' : `${who}@example.com`;
  await expect.poll(() => page.locator('[data-testid="user-email"]').textContent()).toBe(email);
}
