import { createClient, type RealtimeClientOptions } from '@supabase/supabase-js';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { screenshot } from '../support/browser.js';
import { goTo, type GuiSession, signInAs, startGui } from '../support/gui.js';

type RealtimeTransport = RealtimeClientOptions['transport'];

/** Node 20 has no WebSocket and the embedded API serves no realtime: a transport that is never used. */
class NoWebSocket {
  constructor() {
    throw new Error('realtime is not served by the embedded API');
  }
}

const COLLECTION = 'aliceCo/hello/greetings';

/** An attribute of every element a locator matches, in document order. */
async function attributes(locator: Locator, name: string): Promise<(string | null)[]> {
  const count = await locator.count();
  return Promise.all(Array.from({ length: count }, (_, i) => locator.nth(i).getAttribute(name)));
}
const CAPTURE = 'aliceCo/hello/source-hello-world';

/** A valid collection spec, as typed into the editor. */
const collectionJson = (extra: object = {}): string =>
  JSON.stringify(
    {
      schema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      key: ['/id'],
      ...extra,
    },
    null,
    2,
  );

/**
 * Account, drafts, the spec editor, dry run and publish, privacy and conflicts, in Chromium against
 * `flow-desktop serve` with one agent (control-plane-only mode), acting as a user would.
 */
describe('Control-plane GUI: account, drafts and publishing (Chromium)', () => {
  let gui: GuiSession;
  let page: Page;
  /** The drafts left in the list (newest first) once the conflict is resolved. */
  let first: string | null | undefined;
  let second: string | null | undefined;
  const testId = (id: string, on: Page = page) => on.locator(`[data-testid="${id}"]`);

  /** Replaces the text of the JSON editor as a paste would (no auto-closed brackets). */
  const typeSpec = async (text: string): Promise<void> => {
    await testId('json-editor-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(text);
  };
  const addSpec = async (type: string, name: string): Promise<void> => {
    await testId('add-spec-type').selectOption(type);
    await testId('add-spec-name').fill(name);
    await testId('add-spec').click();
    await expect.poll(() => testId('spec-panel').getAttribute('data-name')).toBe(name);
  };
  const resultOf = async (): Promise<string | null> =>
    testId('publication-result').getAttribute('data-status');

  beforeAll(async () => {
    gui = await startGui({ agents: 1 });
    page = gui.page;
  }, 300_000);
  afterAll(async () => {
    await gui?.close();
  });

  it('signs in as alice on the Account page: user, roles, session expiry and refresh', async () => {
    await goTo(page, '/account');
    await expect
      .poll(() => page.getByRole('button', { name: 'Sign in as carol', exact: true }).count())
      .toBe(1);
    await signInAs(page, 'alice');
    expect(await testId('account-email').textContent()).toBe('alice@example.com');
    await expect.poll(() => testId('account-roles').textContent()).toContain('aliceCo/admin');
    expect(Number(await testId('session-expiry').getAttribute('data-expires-at'))).toBeGreaterThan(
      Date.now() / 1000,
    );
    await page.getByRole('button', { name: 'Refresh session', exact: true }).click();
    await expect.poll(() => testId('session-refreshed').count()).toBe(1);
    await screenshot(page, 'account');
  });

  it('creates a draft, adds a collection and a capture, shows a validation error and its fix', async () => {
    await goTo(page, '/drafts');
    await expect.poll(() => testId('drafts-empty').count()).toBe(1);
    await testId('new-draft-detail').fill('Hello world');
    await testId('create-draft').click();
    await expect.poll(() => testId('draft-title').textContent()).toBe('Hello world');
    expect(await testId('spec-list-empty').count()).toBe(1);
    // The catalog name starts with alice's writable prefix.
    await expect.poll(() => testId('add-spec-name').inputValue()).toBe('aliceCo/');

    await addSpec('collection', COLLECTION);
    await expect.poll(() => testId('spec-valid').textContent()).toBe('Valid collection specification.');

    // Not JSON: marked, and refused on save with a clear message.
    await typeSpec('{ "schema": { "type": "object" }, ');
    await expect.poll(() => testId('spec-syntax-error').count()).toBe(1);
    await testId('save-spec').click();
    await expect
      .poll(() => testId('drafts-error').textContent())
      .toMatch(/was not saved: its text is not valid JSON/);

    // Valid JSON without a key: the schema error as you type, inline and in the list.
    await typeSpec(JSON.stringify({ schema: { type: 'object' } }, null, 2));
    await expect.poll(() => testId('spec-issue').allTextContents()).toEqual(['collection.key is required']);
    await expect.poll(() => page.locator('.cm-lintRange-error').count()).toBeGreaterThan(0);
    expect(await testId('unsaved-indicator').count()).toBe(1);
    await screenshot(page, 'drafts-editor-error');

    // A key the schema does not have: Flow Desktop's catalog checks (the agent's own) show it as you type,
    // in Flow's words, before any dry run.
    await typeSpec(collectionJson({ key: ['/nope'] }));
    await expect
      .poll(() => testId('catalog-issue').allTextContents())
      .toEqual([`location /nope is unknown in schema ${COLLECTION}#/schema (https://go.estuary.dev/rdCMNB)`]);
    await expect.poll(() => page.locator('.cm-lintRange-error').count()).toBeGreaterThan(0);
    expect(await testId('spec-valid').count()).toBe(0);
    await screenshot(page, 'drafts-editor-catalog-check');

    // A misspelt keyword: a valid JSON schema, but one Flow's schema builder refuses; shown before any dry run.
    await typeSpec(
      collectionJson({
        schema: { type: 'object', properties: { id: { type: 'string', tyep: 'x' } }, required: ['id'] },
      }),
    );
    await expect
      .poll(() => testId('catalog-issue').allTextContents())
      .toEqual([
        `the schema of ${COLLECTION} is refused by Flow: unexpected keyword "tyep" (at /properties/id)`,
      ]);

    await typeSpec(collectionJson());
    await expect.poll(() => testId('spec-valid').count()).toBe(1);
    expect(await testId('catalog-issue').count()).toBe(0);
    await testId('save-spec').click();
    await expect.poll(() => testId('unsaved-indicator').count()).toBe(0);

    // The capture template binds a collection picked among the draft's and the catalog's (no phantom).
    await testId('add-spec-type').selectOption('capture');
    await expect.poll(() => testId('add-spec-collection').inputValue()).toBe(COLLECTION);
    expect(await attributes(page.locator('#add-spec-collections option'), 'value')).toContain(COLLECTION);
    await addSpec('capture', CAPTURE);
    await expect.poll(() => testId('spec-valid').textContent()).toBe('Valid capture specification.');
    expect(await page.locator('.cm-content').textContent()).toContain(COLLECTION);
    expect(await attributes(testId('spec-item'), 'data-name')).toEqual([COLLECTION, CAPTURE]);
  });

  it('dry-runs, then publishes; the published specs link to the catalog', async () => {
    await testId('dry-run').click();
    await expect.poll(resultOf, { timeout: 20_000 }).toBe('success');
    // Without Flow binaries a dry run is checked by Flow Desktop only: a warning, not a green success.
    expect(await testId('publication-result').textContent()).toMatch(
      /Dry run checked by Flow Desktop; not built \(flowctl-go not found\)\. Publishing would change 2 specs/,
    );
    expect(await testId('publication-result').getAttribute('data-tone')).toBe('warn');
    expect(await testId('job-logs').textContent()).toContain('control-plane-only mode');
    await screenshot(page, 'drafts-publish-progress');

    await testId('publish').click();
    await expect.poll(() => testId('draft-published').count(), { timeout: 20_000 }).toBe(1);
    expect(await resultOf()).toBe('success');
    const links = testId('published-spec');
    expect(await links.allTextContents()).toEqual([CAPTURE, COLLECTION].sort());
    expect(await links.first().getAttribute('href')).toBe(`#/catalog/${encodeURIComponent(COLLECTION)}`);
    await screenshot(page, 'drafts-published');
  });

  it('keeps drafts private: bob, signed in elsewhere, sees none of alice’s', async () => {
    await goTo(page, '/drafts');
    await testId('new-draft-detail').fill('Alice private');
    await testId('create-draft').click();
    await expect.poll(() => testId('draft-editor').count()).toBe(1);
    const aliceDraft = await testId('draft-editor').getAttribute('data-draft-id');
    await goTo(page, '/drafts');
    await expect.poll(() => testId('draft-row').count()).toBe(1);

    const bob = await gui.newPage();
    try {
      await signInAs(bob, 'bob');
      await goTo(bob, '/drafts');
      await expect.poll(() => testId('drafts-empty', bob).count()).toBe(1);
      await goTo(bob, `/drafts/${aliceDraft ?? ''}`);
      await expect
        .poll(() => testId('draft-not-found', bob).textContent())
        .toContain('belongs to another user');
    } finally {
      await bob.close();
    }
  });

  it('shows an expect_pub_id conflict next to the spec and resolves it by re-copying the live version', async () => {
    // Two drafts edit the live collection ("Edit" copies with expect_pub_id = its last publication).
    const client = createClient(gui.status.API_URL, gui.status.ANON_KEY, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: NoWebSocket as unknown as NonNullable<RealtimeTransport> },
    });
    await client.auth.signInWithPassword({ email: 'alice@example.com', password: 'password' });
    const live = (await client.from('live_specs').select('*').eq('catalog_name', COLLECTION).single())
      .data as {
      spec: object;
      last_pub_id: string;
      spec_type: string;
    };
    const copy = async (detail: string): Promise<string> => {
      const draft = await client.from('drafts').insert({ detail }).select('id').single();
      const id = (draft.data as { id: string }).id;
      await client.from('draft_specs').insert({
        draft_id: id,
        catalog_name: COLLECTION,
        spec: live.spec,
        spec_type: live.spec_type,
        expect_pub_id: live.last_pub_id,
      });
      return id;
    };
    const mine = await copy('Mine');
    const theirs = await copy('Theirs');

    await goTo(page, `/drafts/${theirs}`);
    await expect.poll(() => testId('expect-pub-id').getAttribute('data-value')).toBe(live.last_pub_id);
    await typeSpec(collectionJson({ projections: { ident: '/id' } }));
    await testId('save-spec').click();
    await expect.poll(() => testId('unsaved-indicator').count()).toBe(0);
    await testId('publish').click();
    await expect.poll(() => testId('draft-published').count(), { timeout: 20_000 }).toBe(1);

    await goTo(page, `/drafts/${mine}`);
    await expect.poll(() => testId('draft-title').textContent()).toBe('Mine');
    await testId('publish').click();
    await expect.poll(resultOf, { timeout: 20_000 }).toBe('buildFailed');
    await expect
      .poll(() => testId('conflict-notice').textContent())
      .toContain(`Someone published ${COLLECTION} meanwhile.`);
    expect(await testId('conflict-notice').textContent()).toContain(live.last_pub_id);
    expect(await testId('spec-error-count').textContent()).toBe('conflict');
    await screenshot(page, 'drafts-conflict');

    await testId('recopy-live').click();
    await expect.poll(() => testId('conflict-notice').count()).toBe(0);
    const current = await testId('expect-pub-id').getAttribute('data-value');
    expect(current).not.toBe(live.last_pub_id);
    expect(await page.locator('.cm-content').textContent()).toContain('"ident"');
    await testId('dry-run').click();
    await expect.poll(resultOf, { timeout: 20_000 }).toBe('success');
  });

  it('walks the drafts list with the keyboard, and reads well in the dark theme', async () => {
    await goTo(page, '/drafts');
    await expect.poll(() => testId('draft-row').count()).toBe(2);
    await screenshot(page, 'drafts-list');
    [first, second] = await attributes(testId('draft-row'), 'data-draft-id');
    await testId('draft-open').first().focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate('document.activeElement?.closest("li")?.dataset.draftId')).toBe(second);
    await page.keyboard.press('Enter');
    await expect.poll(() => testId('draft-editor').getAttribute('data-draft-id')).toBe(second);

    await goTo(page, `/drafts/${first ?? ''}`);
    await expect.poll(() => testId('spec-panel').count()).toBe(1);
    await typeSpec(JSON.stringify({ schema: { type: 'object' }, key: ['id'] }, null, 2));
    await expect.poll(() => testId('spec-issue').count()).toBe(1);
    const toggle = page.locator('[data-testid="theme-toggle"]');
    while ((await toggle.textContent()) !== 'Theme: dark') await toggle.click();
    await screenshot(page, 'drafts-editor-dark');
    await toggle.click();
    await page.getByRole('button', { name: 'Revert', exact: true }).click();
    await expect.poll(() => testId('unsaved-indicator').count()).toBe(0);
  });

  it('renames and deletes a draft from the list (with a confirmation)', async () => {
    await goTo(page, '/drafts');
    const row = page.locator(`[data-testid="draft-row"][data-draft-id="${second ?? ''}"]`);
    await row.getByRole('button', { name: 'Rename Alice private', exact: true }).click();
    await testId('rename-input').fill('Alice, renamed');
    await testId('rename-input').press('Enter');
    await expect.poll(() => row.locator('.draft-title').textContent()).toBe('Alice, renamed');
    await row.getByRole('button', { name: 'Delete Alice, renamed', exact: true }).click();
    expect(await row.getByRole('alertdialog').textContent()).toContain(
      'Delete “Alice, renamed” and its 0 specs?',
    );
    await row.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => testId('draft-row').count()).toBe(1);
  });

  it('signs in with a magic link end to end: mailbox shortcut, same tab, back on the Account page', async () => {
    const tab = await gui.newPage();
    try {
      await goTo(tab, '/account');
      await expect
        .poll(() => tab.locator('[data-testid="user-badge"]').textContent())
        .toContain('Not signed in');
      await screenshot(tab, 'account-signed-out');
      await testId('magic-link-email', tab).fill('carol@example.com');
      await tab.getByRole('button', { name: 'Send a sign-in link', exact: true }).click();
      await expect
        .poll(() => testId('account-notice', tab).textContent())
        .toContain('A sign-in link was sent');
      await tab.getByRole('button', { name: 'Open the message in the mailbox', exact: true }).click();
      await expect
        .poll(() => tab.locator('[data-testid="user-email"]').textContent())
        .toBe('carol@example.com');
      await expect.poll(() => testId('account-email', tab).textContent()).toBe('carol@example.com');
      expect(await testId('account-notice', tab).textContent()).toBe(
        'Signed in with the link from the mailbox.',
      );
      // The tokens are gone from the address bar, the view is the Account page, and the stack session held.
      expect(new URL(tab.url()).hash).toBe('#/account');
      expect(await tab.locator('[data-testid="stack-state"]').textContent()).toBe('running');
    } finally {
      await tab.close();
    }
  });
});
