import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';

import { ensureGuiBuilt } from '../../main/stack/gui-build.js';
import { launchBrowser } from './browser.js';
import { type StatusJson, TestStack } from './cli.js';

/** A `flow-desktop serve` stack with the GUI open in headless Chromium. */
export interface GuiSession {
  readonly stack: TestStack;
  readonly browser: Browser;
  readonly page: Page;
  readonly status: StatusJson & { UI_URL?: string };
  /** Opens another signed-in tab on the same GUI (a UI link is single-use: a fresh one is made). */
  newPage: () => Promise<Page>;
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
    const open = async (): Promise<Page> => {
      const link = await stack.cli(['status', '--json']);
      const url = (JSON.parse(link.stdout) as { UI_URL?: string }).UI_URL;
      if (!url) throw new Error('status --json gave no UI_URL');
      const page = await openBrowser.newPage({ viewport: { width: 1360, height: 860 } });
      await page.goto(url);
      // Not expect.poll: startGui runs in beforeAll hooks, where vitest allows no expect.poll.
      const running = page.locator('[data-testid="stack-state"]', { hasText: /^running$/ });
      try {
        await running.waitFor({ timeout: 30_000 });
      } catch {
        // Another test may have rebuilt the GUI while this page loaded (its old assets are gone): reload once.
        // The session token is kept for the tab, so the reload stays signed in to the control API.
        await page.reload();
        await running.waitFor({ timeout: 30_000 });
      }
      return page;
    };
    const page = await open();
    return {
      stack,
      browser: openBrowser,
      page,
      status,
      newPage: open,
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
