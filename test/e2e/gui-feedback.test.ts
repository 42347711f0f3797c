import { readFileSync } from 'node:fs';

import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ROUTE_SEGMENTS } from '../support/gui-routes.js';
import { screenshot } from '../support/browser.js';
import { type GuiSession, goTo, signInAs, startGui } from '../support/gui.js';

/** Text that would be a raw stack trace or a fetch failure shown as is. */
const STACK_TRACE =
  /\bat \S+ \(\S+:\d+:\d+\)|\bat \S+\.js:\d+:\d+|assets\/index-[\w-]+\.js|TypeError|Failed to fetch/;

/** Errors a person can act on, and feedback for every operation (Chromium against `flow-desktop serve`). */
describe('GUI errors and operations feedback (Chromium)', () => {
  let gui: GuiSession;
  let page: Page;
  const testId = (id: string): ReturnType<Page['locator']> => page.locator(`[data-testid="${id}"]`);
  const card = (name: string): ReturnType<Page['locator']> => testId(`service-${name}`);
  const bodyText = async (): Promise<string> => (await page.locator('body').innerText()) ?? '';

  beforeAll(async () => {
    gui = await startGui();
    page = gui.page;
    await gui.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  });
  afterAll(async () => {
    await gui?.close();
  });

  it('names the stopped Supabase API on every view that needs it, offers to start it, and shows no stack trace', async () => {
    await signInAs(page, 'alice');
    await goTo(page, '/services');
    await card('supabase-api').getByRole('button', { name: 'Stop', exact: true }).click();
    await expect.poll(() => card('supabase-api').getAttribute('data-state')).toBe('stopped');
    await goTo(page, '/drafts');
    await expect.poll(() => testId('service-down').getAttribute('data-service')).toBe('supabase-api');
    expect(await testId('service-down').textContent()).toContain(
      'supabase-api is stopped: the control plane',
    );
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await expect
      .poll(() => testId('drafts-list-error').textContent())
      .toContain('The Supabase API (supabase-api) does not answer');
    // The failed state replaces the list: never "No drafts yet" beside an error.
    expect(await testId('drafts-empty').count()).toBe(0);
    await screenshot(page, 'gui-api-stopped');
    // Every view, stack and control plane, without a trace of a stack trace.
    for (const segment of ROUTE_SEGMENTS) {
      await goTo(page, `/${segment}`);
      await page.waitForTimeout(300);
      expect(STACK_TRACE.exec(await bodyText())?.[0] ?? null, `#/${segment}`).toBeNull();
    }
    await goTo(page, '/catalog');
    await expect.poll(() => testId('catalog-error').textContent()).toContain('does not answer');
    expect(await bodyText()).not.toMatch(STACK_TRACE);
    await testId('service-down').getByRole('button', { name: 'Start supabase-api' }).click();
    await expect.poll(() => testId('service-down').count(), { timeout: 20_000 }).toBe(0);
    await testId('catalog-error').getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => testId('catalog-error').count()).toBe(0);
  });

  it('asks before stopping postgres, naming the services that stop with it; the banner starts it again', async () => {
    await goTo(page, '/services');
    await card('postgres').getByRole('button', { name: 'Stop', exact: true }).click();
    const confirm = card('postgres').locator('[data-testid="confirm-stop"]');
    expect(await confirm.textContent()).toBe(
      'Stopping postgres also stops migrate, supabase-api, which depend on it.Stop postgres and 2 moreCancel',
    );
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await card('postgres').getAttribute('data-state')).toBe('healthy');
    await card('postgres').getByRole('button', { name: 'Stop', exact: true }).click();
    await confirm.getByRole('button', { name: 'Stop postgres and 2 more' }).click();
    await expect.poll(() => card('postgres').getAttribute('data-state')).toBe('stopped');
    await goTo(page, '/grants');
    await expect.poll(() => testId('service-down').getAttribute('data-service')).toBe('postgres');
    await testId('service-down').getByRole('button', { name: 'Start postgres' }).click();
    await expect.poll(() => testId('service-down').count(), { timeout: 30_000 }).toBe(0);
  });

  it('translates a refused grant into a sentence, with the code in a detail line', async () => {
    await signInAs(page, 'carol');
    await goTo(page, '/grants');
    const form = page.getByRole('form', { name: 'Add a role grant' });
    await form.getByLabel('Subject role').fill('carolCo/');
    await form.getByLabel('Object role').fill('aliceCo/');
    await form.getByRole('button', { name: 'Add role grant' }).click();
    await expect
      .poll(() => testId('grants-error').locator('.notice-sentence').textContent())
      .toBe('You may not grant on aliceCo/: only its admins may add grants there.');
    expect(await testId('grants-error').locator('.notice-detail').textContent()).toBe(
      '42501 · new row violates row-level security policy for table "role_grants"',
    );
  });

  it('translates a prefix the database refuses (23514), and warns before removing your admin grant or another tenant’s', async () => {
    await signInAs(page, 'alice');
    await goTo(page, '/grants');
    const form = page.getByRole('form', { name: 'Add a role grant' });
    await form.getByLabel('Subject role').fill('aliceCo/');
    await form.getByLabel('Object role').fill('aliceCo');
    await form.getByRole('button', { name: 'Add role grant' }).click();
    await expect
      .poll(() => testId('grants-error').locator('.notice-sentence').textContent())
      .toBe(
        'That is not a catalog prefix: a prefix is one or more parts of letters, digits, "-", "_" and ".", each ending in "/", like acmeCo/ or acmeCo/team/.',
      );
    expect(await testId('grants-error').locator('.notice-detail').textContent()).toMatch(
      /^23514 · value for domain catalog_prefix violates check constraint/,
    );

    // Capabilities are levels, not alarms: no chip (nor the top bar's roles) wears the error colour, in either theme.
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const colours = await page.evaluate<{ bad: string; worn: string[] }>(`(() => {
        const probe = document.createElement('span');
        probe.style.color = 'var(--bad)';
        document.body.append(probe);
        const bad = getComputedStyle(probe).color;
        probe.remove();
        const worn = [...document.querySelectorAll('.grants .capability, .user-roles')].flatMap((el) => {
          const style = getComputedStyle(el);
          return [style.color, style.backgroundColor, style.borderTopColor];
        });
        return { bad, worn };
      })()`);
      expect(colours.worn.length, scheme).toBeGreaterThan(6);
      expect(colours.worn, scheme).not.toContain(colours.bad);
    }
    await page.emulateMedia({ colorScheme: 'light' });

    const row = (subject: string, object: string): ReturnType<Page['locator']> =>
      page.locator(`[data-testid="grant-row"][data-subject="${subject}"][data-object="${object}"]`);
    const warnings: readonly [ReturnType<Page['locator']>, string | null][] = [
      [
        row('alice@example.com', 'aliceCo/'),
        'This is your own admin grant on aliceCo/: without it you can no longer manage aliceCo/, nor undo this, until another admin grants it back.',
      ],
      [
        row('aliceCo/', 'bobCo/shared/'),
        'This grant is on bobCo/shared/, which belongs to bobCo/, another tenant: removing it takes away access they gave.',
      ],
      // A grant within her own tenant: the plain confirmation, no warning.
      [row('aliceCo/', 'aliceCo/'), null],
    ];
    for (const [grant, warning] of warnings) {
      await expect.poll(() => grant.count()).toBe(1);
      await grant.getByRole('button', { name: /^Remove/ }).click();
      expect(await grant.getByRole('button', { name: 'Confirm remove' }).count()).toBe(1);
      if (warning === null) expect(await grant.locator('[data-testid="confirm-warning"]').count()).toBe(0);
      else expect(await grant.locator('[data-testid="confirm-warning"]').textContent()).toBe(warning);
      if (warning?.startsWith('This is your own')) await screenshot(page, 'gui-grant-own-admin-warning');
      // Cancel keeps the grant.
      await grant.getByRole('button', { name: 'Cancel' }).click();
      expect(await grant.locator('[data-testid="confirm-warning"]').count()).toBe(0);
      expect(await grant.count()).toBe(1);
    }
  });

  it('a settings read that fails, and a promise nobody handled, end in a visible sentence, not a spinner', async () => {
    // The control API answers the settings read with nothing: the panel says so and offers Try again.
    await page.route('**/v1/settings', (route) => route.abort());
    await goTo(page, '/settings');
    await expect
      .poll(() => testId('settings-error').textContent(), { timeout: 15_000 })
      .toContain('The settings could not be read.');
    expect(await bodyText()).not.toContain('Reading the settings…');
    expect(await bodyText()).not.toMatch(STACK_TRACE);
    await page.unroute('**/v1/settings');
    await testId('settings-error').getByRole('button', { name: 'Try again' }).click();
    // Try again reads them (passing through "Reading the settings…").
    await expect.poll(bodyText).toContain('Keep the stack running when the app quits');
    expect(await testId('settings-error').count()).toBe(0);
    // A rejection no code handled (a store's background request, say) becomes a message in the corner.
    await page.evaluate(
      `setTimeout(() => { void Promise.reject(new Error('the background refresh broke')); }, 0); 0`,
    );
    await expect
      .poll(() => testId('toasts').textContent())
      .toContain('Something failed in the background: the background refresh broke');
    expect(await testId('toasts').textContent()).not.toMatch(STACK_TRACE);
  });

  it('ends every reset tier with its own completion message, and signs out a session the reset took', async () => {
    await signInAs(page, 'alice');
    await goTo(page, '/resets');
    const tier = (id: string): ReturnType<Page['locator']> => testId(`tier-${id}`);
    await tier('restart-service').getByRole('button', { name: 'Restart a service…' }).click();
    await page.getByRole('button', { name: 'Confirm: restart a service' }).click();
    await expect
      .poll(() => testId('reset-result').textContent(), { timeout: 30_000 })
      .toMatch(/^Restart postgres: done in \d+\.\d s\.$/);
    await tier('reset-database').getByRole('button', { name: 'Reset the database…' }).click();
    await page.getByRole('button', { name: 'Confirm: reset the database' }).click();
    // The new run never shows the previous run's "done".
    expect(await testId('reset-result').count()).toBe(0);
    await expect.poll(() => testId('reset-running').count()).toBe(1);
    // The clock in the top bar never runs backwards from zero.
    expect(await testId('progress').textContent()).not.toMatch(/-\d/);
    await expect
      .poll(() => testId('reset-result').textContent(), { timeout: 60_000 })
      .toMatch(/^Reset the database: done in \d+\.\d s\.$/);
    await screenshot(page, 'gui-reset-done');
    // Alice's refresh token went with the reset: she is signed out, and told why.
    await expect
      .poll(() => page.locator('[data-testid="user-badge"]').textContent(), { timeout: 20_000 })
      .toContain('Not signed in');
    await goTo(page, '/drafts');
    expect(await testId('signed-out-reason').textContent()).toMatch(
      /^You were signed out: the database was reset, and alice@example\.com's session went with it/,
    );
    // The other two tiers end with their own messages too; the purge's says the cluster is new.
    await goTo(page, '/resets');
    await tier('restart-stack').getByRole('button', { name: 'Restart the stack…' }).click();
    await page.getByRole('button', { name: 'Confirm: restart the stack' }).click();
    await expect
      .poll(() => testId('reset-result').textContent(), { timeout: 60_000 })
      .toMatch(/^Restart the stack: done in \d+\.\d s\.$/);
    await tier('purge').getByRole('button', { name: 'Purge data…' }).click();
    await page.getByRole('button', { name: 'Confirm: purge data' }).click();
    expect(await testId('reset-result').count()).toBe(0);
    await expect
      .poll(() => testId('reset-result').textContent(), { timeout: 90_000 })
      .toMatch(/^Purge data: done in \d+\.\d s\. The database cluster was created anew\.$/);
    expect(await bodyText()).not.toMatch(/done in -/);
    // A reset from the CLI signs out the GUI's user too (the tab learns of it from the stack's events).
    await signInAs(page, 'alice');
    const reset = await gui.stack.cli(['reset', '--yes']);
    expect(reset.code, reset.stderr).toBe(0);
    await expect
      .poll(() => page.locator('[data-testid="user-badge"]').textContent(), { timeout: 30_000 })
      .toContain('Not signed in');
    await goTo(page, '/drafts');
    expect(await testId('signed-out-reason').textContent()).toMatch(
      /^You were signed out: the database was reset/,
    );
  }, 180_000);

  it('re-runs the pre-flight checks, says when they ran, and checks Docker', async () => {
    await goTo(page, '/checks');
    await expect.poll(() => testId('preflight-ran-at').textContent()).toMatch(/^Ran at /);
    const docker = page.locator('[data-testid="preflight-check"][data-check="Docker"]');
    // This machine has no Docker Engine: a warning, not a failure.
    expect(await docker.getAttribute('data-tone')).toBe(
      process.env.DOCKER_HOST ? expect.any(String) : 'warn',
    );
    expect(await docker.textContent()).toMatch(/Docker/);
    const before = await testId('preflight-ran-at').textContent();
    await page.waitForTimeout(1100);
    await testId('preflight-rerun').click();
    await expect.poll(() => testId('preflight-ran-at').textContent()).not.toBe(before);
    // The ports of the running services are this stack's own, not conflicts.
    expect(await page.locator('[data-testid="preflight-check"][data-tone="fail"]').count()).toBe(0);
    expect(await testId('preflight-checks').textContent()).toContain('is in use by postgres of this stack');
    await screenshot(page, 'gui-checks');
  });

  it('logs: invalid pattern and no match said as such, levels from the content, wrap, download, card link', async () => {
    await goTo(page, '/services');
    await card('postgres').locator('[data-testid="service-logs"]').click();
    await expect.poll(() => page.url()).toMatch(/#\/logs\?service=postgres$/);
    await expect.poll(() => testId('log-service').inputValue()).toBe('postgres');
    const lines = page.locator('[data-testid="log-lines"] .log-line');
    await expect.poll(() => lines.count()).toBeGreaterThan(1);
    // Postgres's LOG lines are information, never errors.
    for (const line of await page
      .locator('[data-testid="log-lines"] .log-line[data-level="error"]')
      .allTextContents())
      expect(line).not.toMatch(/\bLOG:/);
    await testId('log-filter').fill('(unclosed');
    await expect
      .poll(() => testId('log-filter-problem').textContent())
      .toMatch(/^Not a valid regular expression: .*The filter is off until it is fixed\.$/);
    // A pattern that backtracks catastrophically in JavaScript's RegExp: RE2 answers at once, the tab stays live.
    await testId('log-filter').fill('(.+)+Z{99}$');
    await expect
      .poll(() => testId('log-empty').textContent())
      .toBe('No lines match in postgres /(.+)+Z{99}$/.');
    expect(await page.evaluate('1 + 1')).toBe(2);
    await testId('log-filter').fill('(?<=LOG)x');
    await expect
      .poll(() => testId('log-filter-problem').textContent())
      .toMatch(
        /^Not a valid regular expression: .*\(RE2 syntax: no lookarounds or backreferences\)\. The filter is off/,
      );
    await testId('log-filter').fill('no line says this xyzzy');
    await expect
      .poll(() => testId('log-empty').textContent())
      .toBe('No lines match in postgres /no line says this xyzzy/.');
    await testId('log-filter').fill('');
    await testId('log-wrap').check();
    expect(await testId('log-lines').getAttribute('class')).toContain('wrap');
    const [download] = await Promise.all([page.waitForEvent('download'), testId('log-download').click()]);
    expect(download.suggestedFilename()).toMatch(/^flow-desktop-postgres-logs-.*\.log$/);
    const saved = readFileSync(await download.path(), 'utf8');
    expect(saved.split('\n').length).toBeGreaterThan(1);
    expect(saved).toMatch(/ postgres /);
    await screenshot(page, 'gui-logs-wrapped');
  });

  it('confirms a copy, and keeps a crash inside its view with a sentence instead of a stack', async () => {
    await goTo(page, '/connection');
    await testId('copy-ANON_KEY').click();
    await expect.poll(() => testId('copy-ANON_KEY').textContent()).toBe('✓ Copied');
    expect(await testId('toasts').textContent()).toContain('Copied ANON_KEY to the clipboard.');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(gui.status.ANON_KEY);
    // The draft editor is loaded on demand: a GUI rebuilt meanwhile has lost that file.
    await signInAs(page, 'alice');
    await page.route('**/assets/DraftEditor-*.js', (route) => route.abort());
    await goTo(page, '/drafts');
    await testId('new-draft-detail').fill('Crash test');
    await testId('create-draft').click();
    await expect.poll(() => testId('view-crashed').count()).toBe(1);
    expect(await testId('view-crashed').textContent()).toContain(
      'A part of the GUI could not be loaded: the GUI was rebuilt or its server stopped. Reload the page.',
    );
    expect(await bodyText()).not.toMatch(STACK_TRACE);
    await screenshot(page, 'gui-view-crashed');
    // The rest of the GUI still works.
    await page.unroute('**/assets/DraftEditor-*.js');
    await goTo(page, '/services');
    await expect.poll(() => card('postgres').getAttribute('data-state')).toBe('healthy');
  });

  it('says so when the address names no view, and links to the views there are', async () => {
    await goTo(page, '/nope?type=capture');
    await expect.poll(() => testId('not-found').count()).toBe(1);
    expect(await testId('not-found').textContent()).toContain('There is no view at #/nope.');
    // Not another view under the wrong address, and no view highlighted as the current one.
    expect(await card('postgres').count()).toBe(0);
    expect(await page.locator('nav [aria-selected="true"]').count()).toBe(0);
    await testId('not-found').getByRole('link', { name: 'Catalog' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/catalog$/);
    expect(await testId('not-found').count()).toBe(0);
  });

  it('offers no directive form to a user who administers nothing, and says what would open it', async () => {
    const other = await gui.newPage();
    const id = (x: string): ReturnType<Page['locator']> => other.locator(`[data-testid="${x}"]`);
    // carol may only read aliceCo/ (supabase/seed.sql): every directive she could create would be refused.
    await signInAs(other, 'carol');
    await expect.poll(() => other.locator('[data-testid="user-roles"]').textContent()).toContain('aliceCo/');
    await goTo(other, '/directives');
    await expect
      .poll(() => id('directives-no-admin').textContent())
      .toContain('You administer no prefix, so you cannot create directives.');
    expect(await id('create-directive').count()).toBe(0);
    // Applying a token stays open to her.
    expect(await id('apply-directive').count()).toBe(1);
    await other.context().close();
  });

  it('shows loading, failed and empty states apart on every list view', async () => {
    const other = await gui.newPage();
    const id = (x: string): ReturnType<Page['locator']> => other.locator(`[data-testid="${x}"]`);
    await signInAs(other, 'bob');
    // Empty: bob has no drafts, nothing published he may read, no directive under bobCo/.
    await goTo(other, '/drafts');
    await expect.poll(() => id('drafts-empty').textContent()).toContain('No drafts yet.');
    await goTo(other, '/catalog');
    await expect.poll(() => id('catalog-empty').textContent()).toContain('No live specs yet');
    await goTo(other, '/directives');
    await expect
      .poll(() => id('directives-empty').textContent())
      .toContain('No directives under the prefixes');
    await goTo(other, '/grants');
    await id('grants-filter').fill('no-such-grant');
    await expect.poll(() => id('grants-empty').textContent()).toBe('No grant matches “no-such-grant”.');
    await screenshot(other, 'gui-list-empty');

    // Loading: the API holds every answer; a fresh tab says what loads and for how long.
    const held: Route[] = [];
    let api: 'hold' | 'fail' | 'answer' = 'hold';
    const broken = {
      status: 500,
      contentType: 'application/json',
      body: JSON.stringify({
        code: 'XX000',
        message: 'the test broke this request',
        details: null,
        hint: null,
      }),
    };
    await other.route('**/rest/v1/**', async (route) => {
      if (api === 'hold') held.push(route);
      else if (api === 'fail') await route.fulfill(broken);
      else await route.fallback();
    });
    await goTo(other, '/drafts');
    await other.reload();
    await expect
      .poll(() => id('drafts-loading').textContent(), { timeout: 15_000 })
      .toMatch(/Loading your drafts… [1-9]\d*s$/);
    expect(await id('drafts-empty').count()).toBe(0);
    await screenshot(other, 'gui-list-loading');

    // Failed: the held requests, and every one after, fail. Each list says so, with Try again, and nothing else.
    api = 'fail';
    for (const route of held.splice(0)) await route.fulfill(broken);
    const failed: readonly [string, string, string][] = [
      ['drafts', 'drafts-list-error', 'Your drafts could not be loaded.'],
      ['catalog', 'catalog-error', 'The catalog could not be loaded.'],
      ['connectors', 'connectors-error', 'The connectors could not be loaded.'],
      ['grants', 'grants-load-error', 'The grants could not be loaded.'],
      ['directives', 'directives-load-error', 'Your directives could not be loaded.'],
    ];
    for (const [segment, errorId, sentence] of failed) {
      await goTo(other, `/${segment}`);
      await expect.poll(() => id(errorId).textContent(), { timeout: 15_000 }).toContain(sentence);
      expect(await id(errorId).textContent()).toContain('the test broke this request (XX000)');
      expect(await id(errorId).getByRole('button', { name: 'Try again' }).count()).toBe(1);
      // Never loading forever, never empty beside the failure, never a stack trace.
      expect(await other.locator('[data-testid$="-loading"]').count(), segment).toBe(0);
      expect(await other.locator('[data-testid$="-empty"]').count(), segment).toBe(0);
      expect(STACK_TRACE.exec(await other.locator('body').innerText())?.[0] ?? null, segment).toBeNull();
      if (segment === 'catalog') await screenshot(other, 'gui-list-failed');
    }
    // The API answers again: Try again shows the list.
    api = 'answer';
    await id('directives-load-error').getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => id('directives-empty').count()).toBe(1);
    expect(await id('directives-load-error').count()).toBe(0);
    await other.context().close();
  });

  it('says which operation runs, and who asked, when an operation is refused as busy', async () => {
    await goTo(page, '/resets');
    await testId('tier-restart-stack').getByRole('button', { name: 'Restart the stack…' }).click();
    // The tray asks for a purge (through the control API, as the tray does; the longest operation). Not awaited:
    // the expression ends in 0, else evaluate would wait for the promise.
    await page.evaluate(`globalThis.purgeDone = fetch('/v1/purge', { method: 'POST',
      headers: { 'x-requested-by': 'flow-desktop', 'content-type': 'application/json' },
      body: JSON.stringify({ requestedBy: 'tray' }) }).then((r) => r.status); 0`);
    await expect
      .poll(
        () =>
          page.evaluate(`fetch('/v1/status', { headers: { 'x-requested-by': 'flow-desktop' } })
            .then((r) => r.json()).then((s) => s.operation?.kind ?? null)`),
        { interval: 20 },
      )
      .toBe('purge');
    await page.getByRole('button', { name: 'Confirm: restart the stack' }).click();
    const sentence =
      /The stack is busy purging the data \(asked from the tray, running for \d+ s\): try again when it is done\./;
    await expect.poll(() => testId('error').textContent()).toMatch(new RegExp(`^${sentence.source}`));
    expect(await testId('reset-result').textContent()).toMatch(
      new RegExp(`^Restart the stack: not started\\. ${sentence.source}`),
    );
    expect(await bodyText()).not.toMatch(/operation_in_progress|\b409\b/);
    // Refused for now, not failed: the warning tone, not the error's.
    expect(await testId('error').getAttribute('class')).toContain('notice-warn');
    expect(await testId('reset-result').getAttribute('class')).toContain('tone-warn');
    await screenshot(page, 'gui-busy-refused');
    await expect.poll(() => page.evaluate('globalThis.purgeDone'), { timeout: 90_000 }).toBe(200);
    await expect.poll(() => testId('stack-state').textContent(), { timeout: 60_000 }).toBe('running');
  }, 180_000);
});
