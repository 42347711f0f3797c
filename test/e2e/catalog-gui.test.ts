import { createClient, type RealtimeClientOptions } from '@supabase/supabase-js';
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Client } from '../api/api-test-env.js';
import { screenshot } from '../support/browser.js';
import { goTo, type GuiSession, signInAs, startGui } from '../support/gui.js';
import { query as sql } from '../support/sql.js';

/** Node 20 has no WebSocket and the embedded API serves no realtime: a transport that is never used. */
class NoWebSocket {
  constructor() {
    throw new Error('realtime is not served by the embedded API');
  }
}

const BULK = 10_000;
const CHAIN = {
  capture: 'aliceCo/chain/source',
  collection: 'aliceCo/chain/events',
  materialization: 'aliceCo/chain/warehouse',
};
const captureSpec = (stream: string): object => ({
  endpoint: { connector: { image: 'ghcr.io/estuary/source-hello-world:v1', config: {} } },
  bindings: [{ resource: { stream }, target: CHAIN.collection }],
});

/** The hash route of a spec's page (the name is one URI-encoded segment). */
const specRoute = (name: string, query = ''): string => `/catalog/${encodeURIComponent(name)}${query}`;

/**
 * The catalog in real Chromium against `flow-desktop serve` with one agent (control-plane-only mode): alice
 * publishes a capture → collection → materialization chain through the API, 10,000 more live specs are
 * seeded with SQL, and the GUI finds, shows, diffs and draws them as alice, carol and bob would see them.
 */
describe('Catalog GUI (Chromium, a stack with one agent)', () => {
  let gui: GuiSession;
  let page: Page;
  let alice: Client;

  /** Publishes a draft as alice through the API and waits for the agent to succeed. */
  const publishDraft = async (draftId: string, detail: string): Promise<string> => {
    const pub = await alice
      .from('publications')
      .insert({ draft_id: draftId, detail })
      .select('id')
      .single<{ id: string }>();
    expect(pub.error).toBeNull();
    // A plain loop, not expect.poll: this also runs in beforeAll.
    const deadline = Date.now() + 60_000;
    let status: { type: string } = { type: 'queued' };
    while (status.type === 'queued') {
      if (Date.now() > deadline) throw new Error(`publication ${pub.data!.id} is still queued after 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      const row = await alice
        .from('publications')
        .select('job_status')
        .eq('id', pub.data!.id)
        .single<{ job_status: { type: string } }>();
      if (row.error) throw new Error(row.error.message);
      status = row.data.job_status;
    }
    expect(status).toMatchObject({ type: 'success' });
    return pub.data!.id;
  };

  /** Changes the capture's stream in a draft made by "Edit in a draft" and publishes it. */
  const editThroughGui = async (stream: string): Promise<void> => {
    await goTo(page, specRoute(CHAIN.capture));
    await page.getByTestId('edit-in-draft').click();
    // The draft editor (B1's page) opens on the new draft.
    await expect.poll(() => page.evaluate('window.location.hash')).toMatch(/^#\/drafts\/[^/?]+$/);
    const draftId = decodeURIComponent(
      String(await page.evaluate('window.location.hash')).slice('#/drafts/'.length),
    );
    expect(draftId).toMatch(/^([0-9a-f]{2}:){7}[0-9a-f]{2}$/);
    const copied = await alice
      .from('draft_specs')
      .select('catalog_name,expect_pub_id')
      .eq('draft_id', draftId)
      .single<{ catalog_name: string; expect_pub_id: string }>();
    expect(copied.data?.catalog_name).toBe(CHAIN.capture);
    const live = await alice
      .from('live_specs')
      .select('last_pub_id')
      .eq('catalog_name', CHAIN.capture)
      .single<{ last_pub_id: string }>();
    expect(copied.data?.expect_pub_id).toBe(live.data?.last_pub_id);
    const update = await alice
      .from('draft_specs')
      .update({ spec: captureSpec(stream) })
      .eq('draft_id', draftId)
      .select('id');
    expect(update.error).toBeNull();
    await publishDraft(draftId, `stream ${stream}`);
  };

  /** The live_specs_ext answers the page received while `action` ran: Content-Range and row count. */
  const catalogAnswers = async (action: () => Promise<void>): Promise<{ range: string; rows: number }[]> => {
    const answers: Promise<{ range: string; rows: number }>[] = [];
    const listener = (response: Response): void => {
      // The list's queries (the graph's name lookups select fewer columns).
      const url = response.url();
      if (!url.includes('/rest/v1/live_specs_ext?') || !url.includes('updated_at')) return;
      if (response.request().method() !== 'GET') return;
      answers.push(
        response.json().then((body: unknown) => ({
          range: response.headers()['content-range'] ?? '',
          rows: Array.isArray(body) ? body.length : -1,
        })),
      );
    };
    page.on('response', listener);
    try {
      await action();
    } finally {
      page.off('response', listener);
    }
    return Promise.all(answers);
  };

  const rows = (p: Page = page): ReturnType<Page['locator']> => p.getByTestId('catalog-row');
  /** An attribute of every element a locator matches, read at once (the list may re-render meanwhile). */
  const attributes = (locator: ReturnType<Page['locator']>, name: string): Promise<string[]> =>
    // Typed structurally: this file is type-checked without the DOM library.
    locator.evaluateAll(
      (elements: { getAttribute(attribute: string): string | null }[], attribute: string) =>
        elements.map((e) => e.getAttribute(attribute) ?? ''),
      name,
    );
  const rowNames = (p: Page = page): Promise<string[]> => attributes(rows(p), 'data-name');

  beforeAll(async () => {
    gui = await startGui({ agents: 1 });
    page = gui.page;
    alice = createClient(gui.status.API_URL, gui.status.ANON_KEY, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: NoWebSocket as unknown as RealtimeClientOptions['transport'] },
    });
    const signIn = await alice.auth.signInWithPassword({ email: 'alice@example.com', password: 'password' });
    expect(signIn.error).toBeNull();
    // The chain, published by alice through the API as the GUI would.
    const draft = await alice
      .from('drafts')
      .insert({ detail: 'chain' })
      .select('id')
      .single<{ id: string }>();
    expect(draft.error).toBeNull();
    const specs = await alice.from('draft_specs').insert([
      {
        draft_id: draft.data!.id,
        catalog_name: CHAIN.collection,
        spec_type: 'collection',
        spec: {
          schema: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
          key: ['/id'],
        },
      },
      {
        draft_id: draft.data!.id,
        catalog_name: CHAIN.capture,
        spec_type: 'capture',
        spec: captureSpec('greetings'),
      },
      {
        draft_id: draft.data!.id,
        catalog_name: CHAIN.materialization,
        spec_type: 'materialization',
        spec: {
          endpoint: { connector: { image: 'ghcr.io/estuary/materialize-postgres:v1', config: {} } },
          bindings: [{ source: CHAIN.collection, resource: { table: 'events' } }],
        },
      },
    ]);
    expect(specs.error).toBeNull();
    await publishDraft(draft.data!.id, 'the first chain');
    // 10,000 more live specs of aliceCo, each with its version in the history.
    await sql(
      gui.status.DB_URL,
      `with live as (
         insert into live_specs (catalog_name, last_build_id, last_pub_id, spec, spec_type)
         select 'aliceCo/bulk/spec-' || lpad(i::text, 5, '0'), p, p, json_build_object('n', i),
           (array['capture','collection','materialization','test'])[1 + i % 4]::catalog_spec_type
         from generate_series(1, ${BULK}) i, lateral (select internal.id_generator() as p) ids
         returning id, last_pub_id, spec, spec_type
       )
       insert into publication_specs (live_spec_id, pub_id, detail, spec, spec_type, user_id)
       select id, last_pub_id, 'seeded', spec, spec_type, '11111111-1111-1111-1111-111111111111' from live`,
    );
  }, 240_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('lists 10,000 live specs a page at a time, with the exact count', async () => {
    await signInAs(page, 'alice');
    const total = (BULK + 3).toLocaleString('en-US');
    const first = await catalogAnswers(async () => {
      await goTo(page, '/catalog');
      await expect.poll(() => page.getByTestId('catalog-range').textContent()).toBe(`1–50 of ${total}`);
    });
    // Only the page is fetched: 50 rows, and the total from the server's exact count.
    expect(first.at(-1)).toEqual({ range: `0-49/${BULK + 3}`, rows: 50 });
    expect(await rows().count()).toBeGreaterThan(5);
    await screenshot(page, 'catalog-list');

    const next = await catalogAnswers(async () => {
      await page.getByTestId('page-next').click();
      await expect.poll(() => page.getByTestId('catalog-range').textContent()).toBe(`51–100 of ${total}`);
    });
    expect(next.at(-1)).toEqual({ range: `50-99/${BULK + 3}`, rows: 50 });
    expect(await page.evaluate('window.location.hash')).toBe('#/catalog?page=2');

    // 500 a page: fetched whole, drawn only as far as it is visible.
    const big = await catalogAnswers(async () => {
      await page.getByTestId('catalog-page-size').selectOption('500');
      await expect.poll(() => page.getByTestId('catalog-range').textContent()).toBe(`1–500 of ${total}`);
    });
    expect(big.at(-1)).toEqual({ range: `0-499/${BULK + 3}`, rows: 500 });
    expect(await rows().count()).toBeLessThan(100);
    await expect.poll(() => page.getByTestId('page-of').textContent()).toBe('Page 1 of 21');
    await page.getByTestId('page-last').click();
    await expect
      .poll(() => page.getByTestId('catalog-range').textContent())
      .toBe(`10,001–10,003 of ${total}`);
  });

  it('finds the chain by prefix and type; the filters live in the link and survive a reload', async () => {
    await goTo(page, '/catalog');
    await page.getByTestId('catalog-prefix').fill('aliceCo/chain/');
    await expect.poll(() => rowNames()).toEqual([CHAIN.collection, CHAIN.capture, CHAIN.materialization]);
    await expect.poll(() => page.getByTestId('catalog-range').textContent()).toBe('1–3 of 3');
    await page.getByTestId('catalog-type').selectOption('capture');
    await expect.poll(() => rowNames()).toEqual([CHAIN.capture]);
    expect(await page.evaluate('window.location.hash')).toBe(
      '#/catalog?type=capture&prefix=aliceCo%2Fchain%2F',
    );
    const row = rows().first();
    expect(await row.getByTestId('type-badge').textContent()).toBe('capture');
    expect(await row.getByTestId('connector-label').textContent()).toBe('Hello World');
    expect(await row.textContent()).toContain('Alice <alice@example.com>');

    await page.reload();
    await expect.poll(() => rowNames()).toEqual([CHAIN.capture]);
    expect(await page.getByTestId('catalog-prefix').inputValue()).toBe('aliceCo/chain/');
    expect(await page.getByTestId('catalog-type').inputValue()).toBe('capture');

    // A wildcard typed into the prefix matches only itself: no name holds `%`.
    await page.getByTestId('catalog-type').selectOption('all');
    await page.getByTestId('catalog-prefix').fill('aliceCo/%');
    await expect
      .poll(() => page.getByTestId('catalog-empty').textContent())
      .toContain('No catalog name starts');
    await page.getByTestId('catalog-prefix').fill('aliceCo/bulk/spec-0000_');
    await expect.poll(() => page.getByTestId('catalog-empty').textContent()).toContain('No live specs match');
    await page.getByTestId('catalog-prefix').fill('aliceCo/bulk/spec-0000');
    await expect.poll(() => page.getByTestId('catalog-range').textContent()).toBe('1–9 of 9');
  });

  it('moves through the list with the keyboard and opens a spec with Enter', async () => {
    await goTo(page, '/catalog?prefix=aliceCo%2Fchain%2F&sort=name&dir=desc');
    await expect.poll(() => rowNames()).toEqual([CHAIN.materialization, CHAIN.capture, CHAIN.collection]);
    await page.getByTestId('catalog-rows').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    expect(await page.locator('[role="option"][aria-selected="true"]').getAttribute('data-name')).toBe(
      CHAIN.capture,
    );
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('spec-name').textContent()).toBe(CHAIN.capture);
    expect(await page.evaluate('window.location.hash')).toBe(`#${specRoute(CHAIN.capture)}`);
  });

  it("shows a spec's JSON, connector and last publication", async () => {
    await goTo(page, specRoute(CHAIN.capture));
    await expect.poll(() => page.getByTestId('spec-json').textContent()).toContain('"bindings"');
    expect(JSON.parse((await page.getByTestId('spec-json').textContent())!)).toEqual(
      captureSpec('greetings'),
    );
    expect(await page.getByTestId('spec-connector').getByTestId('connector-label').textContent()).toBe(
      'Hello World',
    );
    expect(await page.getByTestId('connector-image').textContent()).toBe(
      'ghcr.io/estuary/source-hello-world:v1',
    );
    expect(await page.getByTestId('last-pub-user').textContent()).toBe('Alice <alice@example.com>');
    expect(await page.getByTestId('last-pub-detail').textContent()).toBe('the first chain');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByTestId('copy-json').click();
    await expect.poll(() => page.getByText('Copied to the clipboard.').count()).toBe(1);
    expect(JSON.parse(String(await page.evaluate('navigator.clipboard.readText()')))).toEqual(
      captureSpec('greetings'),
    );
    await screenshot(page, 'catalog-spec');
  });

  it('names the sops-encrypted fields of a live endpoint config, and none of a plain one', async () => {
    // A live capture whose config went through the oauth function's encrypt-config (a sops document).
    const sealedConfig = {
      address: 'localhost:7000',
      password_sops: 'ENC[AES256_GCM,data:c2VjcmV0,iv:aXY=,tag:dGFn,type:str]',
      credentials: { token_sops: 'ENC[AES256_GCM,data:dG9r,iv:aXY=,tag:dGFn,type:str]' },
      sops: { mac: 'ENC[AES256_GCM,data:bWFj,iv:aXY=,tag:dGFn,type:str]', encrypted_suffix: '_sops' },
    };
    await sql(
      gui.status.DB_URL,
      `insert into live_specs (catalog_name, last_build_id, last_pub_id, spec, spec_type,
         connector_image_name, connector_image_tag)
       select 'aliceCo/sealed/source', p, p,
         '${JSON.stringify({ endpoint: { connector: { image: 'ghcr.io/estuary/source-hello-world:v1', config: sealedConfig } }, bindings: [] })}'::json,
         'capture', 'ghcr.io/estuary/source-hello-world', ':v1'
       from (select internal.id_generator() as p) ids`,
    );
    await goTo(page, specRoute('aliceCo/sealed/source'));
    await expect
      .poll(() => page.getByTestId('spec-encrypted-fields').textContent())
      .toBe(
        'Encrypted (sops, this stack’s key; only the agent decrypts them, for the connector): password, credentials.token',
      );
    await goTo(page, specRoute(CHAIN.capture));
    await expect.poll(() => page.getByTestId('connector-image').count()).toBe(1);
    expect(await page.getByTestId('spec-encrypted-fields').count()).toBe(0);
  });

  it('edits the spec in a draft twice; the history diffs any two versions', async () => {
    await editThroughGui('greetings-v2');
    await editThroughGui('greetings-v3');
    await goTo(page, specRoute(CHAIN.capture));
    await page.getByTestId('tab-history').click();
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(3);
    const details = await page.getByTestId('history-row').locator('td:last-child').allTextContents();
    expect(details).toEqual(['stream greetings-v3', 'stream greetings-v2', 'the first chain']);
    // By default the latest version against the one before it.
    const diffLines = async (kind: string): Promise<string[]> =>
      (await page.getByTestId('json-diff').locator(`[data-kind="${kind}"]`).allTextContents()).map((t) =>
        t.replace(/\s+/g, ' ').trim(),
      );
    await expect.poll(() => diffLines('added')).toEqual(['+ "stream": "greetings-v3"']);
    expect(await diffLines('removed')).toEqual(['- "stream": "greetings-v2"']);
    // Any two: the first version against the latest.
    await page.getByTestId('history-row').nth(2).getByTestId('compare-from').check();
    await expect.poll(() => diffLines('removed')).toEqual(['- "stream": "greetings"']);
    expect(await diffLines('added')).toEqual(['+ "stream": "greetings-v3"']);
    expect(await page.evaluate('window.location.hash')).toMatch(/\?tab=history&from=[0-9a-f%A-F]+&to=/);
    await screenshot(page, 'catalog-history-diff');
  });

  it('draws the data-flow neighbourhood; a node opens its spec', async () => {
    await goTo(page, specRoute(CHAIN.capture, '?tab=flow'));
    await expect.poll(() => page.getByTestId('graph-node').count()).toBe(3);
    const sources = await attributes(page.getByTestId('graph-edge'), 'data-source');
    const targets = await attributes(page.getByTestId('graph-edge'), 'data-target');
    const edges = sources.map((source, i) => `${source} -> ${targets[i]}`);
    expect(edges.sort()).toEqual(
      [`${CHAIN.capture} -> ${CHAIN.collection}`, `${CHAIN.collection} -> ${CHAIN.materialization}`].sort(),
    );
    const current = page.locator('[data-testid="graph-node"].current');
    expect(await current.getAttribute('data-name')).toBe(CHAIN.capture);
    // Left to right, as data flows.
    const x = async (name: string): Promise<number> =>
      (await page.locator(`[data-testid="graph-node"][data-name="${name}"]`).boundingBox())!.x;
    expect(await x(CHAIN.capture)).toBeLessThan(await x(CHAIN.collection));
    expect(await x(CHAIN.collection)).toBeLessThan(await x(CHAIN.materialization));
    await screenshot(page, 'catalog-graph');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'catalog-graph-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.locator(`[data-testid="graph-node"][data-name="${CHAIN.materialization}"]`).click();
    await expect.poll(() => page.getByTestId('spec-name').textContent()).toBe(CHAIN.materialization);
    await expect
      .poll(() => page.locator('[data-testid="graph-node"].current').getAttribute('data-name'))
      .toBe(CHAIN.materialization);
    // Keyboard: Tab to a node and press Enter.
    await page.locator(`[data-testid="graph-node"][data-name="${CHAIN.collection}"]`).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('spec-name').textContent()).toBe(CHAIN.collection);
    // A collection's overview has its data-plane preview (here: no data plane runs).
    await page.getByTestId('tab-overview').click();
    await expect.poll(() => page.getByTestId('journal-preview').count()).toBe(1);
    expect(await page.getByTestId('spec-connector').textContent()).toBe('A collection runs no connector.');
    await expect
      .poll(() => page.getByTestId('spec-flows').textContent())
      .toBe(`Data flowFrom${CHAIN.capture}To${CHAIN.materialization}`);
    await screenshot(page, 'catalog-collection');
  });

  it('shows carol (read on aliceCo/) the specs and their history, and bob none of them', async () => {
    const carol = await gui.newPage();
    await signInAs(carol, 'carol');
    await goTo(carol, '/catalog?prefix=aliceCo%2Fchain%2F');
    await expect
      .poll(() => rowNames(carol))
      .toEqual([CHAIN.collection, CHAIN.capture, CHAIN.materialization]);
    await goTo(carol, specRoute(CHAIN.capture, '?tab=history'));
    await expect.poll(() => carol.getByTestId('history-row').count()).toBe(3);
    // Carol may read but not publish: no "Edit in a draft", and the page says why.
    await expect.poll(() => carol.getByTestId('read-only-note').textContent()).toContain('you have read');
    expect(await carol.getByTestId('edit-in-draft').count()).toBe(0);
    await carol.close();

    const bob = await gui.newPage();
    await signInAs(bob, 'bob');
    await goTo(bob, '/catalog?prefix=aliceCo%2F');
    await expect.poll(() => bob.getByTestId('catalog-empty').textContent()).toContain('No live specs match');
    await goTo(bob, '/catalog');
    await expect.poll(() => bob.getByTestId('catalog-empty').textContent()).toContain('No live specs yet');
    await goTo(bob, specRoute(CHAIN.capture));
    await expect.poll(() => bob.getByTestId('spec-not-found').textContent()).toContain(CHAIN.capture);
    await screenshot(bob, 'catalog-bob-not-found');
    await bob.close();
    // Each new tab trades a fresh UI link, which runs the CLI: slow on a busy machine.
  }, 180_000);
});
