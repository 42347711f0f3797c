import { rmSync } from 'node:fs';

import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { screenshot } from '../support/browser.js';
import { type GuiSession, goTo, signInAs, startGui } from '../support/gui.js';
import { doublesBinDir } from '../data-plane/doubles-harness.js';

/** Node 20 has no WebSocket and the embedded API serves no realtime: a transport that is never used. */
class NoWebSocket {
  constructor() {
    throw new Error('realtime is not served by the embedded API');
  }
}

/** A supabase-js client of the stack, signed in as alice. */
async function signedIn(url: string, anonKey: string): Promise<SupabaseClient> {
  const client = createClient(url, anonKey, {
    auth: { persistSession: false },
    realtime: { transport: NoWebSocket as never },
  });
  const { error } = await client.auth.signInWithPassword({
    email: 'alice@example.com',
    password: 'password',
  });
  if (error) throw error;
  return client;
}

/**
 * Shard badges and the journal preview in Chromium, against a stack running the data plane from the doubles of
 * the Flow binaries (temp-data-plane, gateway): a publication activated by the agent shows as running.
 */
describe('data plane in the GUI (doubles of the Flow binaries)', () => {
  let gui: GuiSession;
  let binDir: string;
  let alice: SupabaseClient;

  beforeAll(async () => {
    binDir = doublesBinDir();
    gui = await startGui({ agents: 1, env: { FLOW_DESKTOP_BIN_DIR: binDir } });
    alice = await signedIn(gui.status.API_URL, gui.status.ANON_KEY);
  });
  afterAll(async () => {
    await gui?.close();
    rmSync(binDir, { recursive: true, force: true });
  });

  it('shows a published capture running and its collection’s first documents', async () => {
    const draft = await alice.from('drafts').insert({ detail: 'shard badge' }).select('id').single();
    expect(draft.error).toBeNull();
    const draftId = (draft.data as { id: string }).id;
    const specs = await alice.from('draft_specs').insert([
      {
        draft_id: draftId,
        catalog_name: 'aliceCo/live/greetings',
        spec_type: 'collection',
        spec: {
          schema: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
          key: ['/id'],
        },
      },
      {
        draft_id: draftId,
        catalog_name: 'aliceCo/live/hello',
        spec_type: 'capture',
        spec: {
          endpoint: { connector: { image: 'ghcr.io/estuary/source-hello-world:v1', config: {} } },
          bindings: [{ resource: { stream: 'greetings' }, target: 'aliceCo/live/greetings' }],
        },
      },
    ]);
    expect(specs.error).toBeNull();
    const pub = await alice.from('publications').insert({ draft_id: draftId }).select('id').single();
    expect(pub.error).toBeNull();
    const pubId = (pub.data as { id: string }).id;
    await expect
      .poll(
        async () => {
          const row = await alice
            .from('publications')
            .select('job_status')
            .eq('id', pubId)
            .single<{ job_status: { type: string } }>();
          return row.data?.job_status.type;
        },
        { timeout: 60_000 },
      )
      .toBe('success');

    const { page } = gui;
    await signInAs(page, 'alice');
    await goTo(page, '/catalog/aliceCo%2Flive%2Fhello');
    const badge = page.locator('[data-testid="shard-status"]').first();
    await expect.poll(() => badge.textContent(), { timeout: 30_000 }).toContain('running');
    await screenshot(page, 'data-plane-shard-running');

    await goTo(page, '/catalog/aliceCo%2Flive%2Fgreetings');
    const documents = page.locator('[data-testid="journal-documents"] li');
    await expect.poll(() => documents.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await documents.first().textContent()).toMatch(/greeting|Hello/i);
    await screenshot(page, 'data-plane-journal-preview');
  });
});
