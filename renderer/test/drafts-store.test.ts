import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import type { LiveSpecRow } from '../../shared/control-plane-rows.js';
import { unwrap } from '../src/api/api-error.js';
import { copyLiveSpecsToDraft } from '../src/api/draft-actions.js';
import { groupDraftErrors, publicationConflict } from '../src/lib/spec-errors.js';
import { specTemplate, specText } from '../src/lib/spec-templates.js';
import { SEEDED_PASSWORD, useAuthStore } from '../src/stores/auth-store.js';
import { useDraftsStore } from '../src/stores/drafts-store.js';
import { type ControlPlaneStack, startControlPlaneStack } from './control-plane-stack.js';

/** The drafts store against a real stack: the API under the user's RLS, and an agent publishing. */
describe('drafts store', () => {
  let env: ControlPlaneStack;
  const drafts = () => useDraftsStore.getState();
  const auth = () => useAuthStore.getState();
  const signIn = async (email: string): Promise<void> => {
    await auth().signInWithPassword(email, SEEDED_PASSWORD);
    expect(auth().user?.email).toBe(email);
  };
  const editor = () => {
    const state = drafts().editor;
    if (!state) throw new Error('no draft is open');
    return state;
  };
  const specNamed = (name: string) => editor().specs.find((s) => s.catalog_name === name);

  beforeAll(async () => {
    env = await startControlPlaneStack(1);
    auth().attach(env.client());
    await vi.waitFor(() => expect(auth().ready).toBe(true));
    await signIn('alice@example.com');
  });
  afterAll(async () => {
    await env.close();
  });

  it('lists drafts newest first with their spec counts; creates, renames and deletes', async () => {
    await drafts().loadDrafts();
    expect(drafts().drafts).toEqual([]);
    const first = await drafts().createDraft('first');
    const second = await drafts().createDraft('  second  ');
    expect(drafts().error).toBeNull();
    expect(drafts().drafts?.map((d) => [d.id, d.detail, d.num_specs])).toEqual([
      [second, 'second', 0],
      [first, 'first', 0],
    ]);
    expect(drafts().total).toBe(2);
    await drafts().renameDraft(first ?? '', 'renamed');
    expect(drafts().drafts?.find((d) => d.id === first)?.detail).toBe('renamed');
    await drafts().deleteDraft(second ?? '');
    expect(drafts().drafts?.map((d) => d.id)).toEqual([first]);
  });

  it('adds specs from templates, refuses invalid JSON, saves schema-invalid specs for the publication to report', async () => {
    const id = (await drafts().createDraft('hello world')) ?? '';
    await drafts().openDraft(id);
    expect(editor()).toMatchObject({ draftId: id, notFound: false, specs: [] });
    expect(
      await drafts().addSpec('aliceCo/hello/greetings', 'collection', specTemplate('collection', 'x')),
    ).toBe(true);
    const capture = specTemplate('capture', 'aliceCo/hello/source');
    expect(await drafts().addSpec('aliceCo/hello/source', 'capture', capture)).toBe(true);
    expect(editor().specs.map((s) => [s.catalog_name, s.spec_type, s.live_spec])).toEqual([
      ['aliceCo/hello/greetings', 'collection', null],
      ['aliceCo/hello/source', 'capture', null],
    ]);
    expect(await drafts().addSpec('aliceCo/hello/source', 'capture', capture)).toBe(false);
    expect(drafts().error).toBe('aliceCo/hello/source is already in this draft.');
    // The database's own rule, with PostgREST's message.
    expect(await drafts().addSpec('aliceCo/bad name', 'collection', {})).toBe(false);
    expect(drafts().error).toMatch(/catalog name/i);

    drafts().setEdit('aliceCo/hello/greetings', '{ "schema": {}, ');
    expect(await drafts().saveSpec('aliceCo/hello/greetings')).toBe(false);
    expect(drafts().error).toMatch(/^aliceCo\/hello\/greetings was not saved: its text is not valid JSON/);
    expect(drafts().edits['aliceCo/hello/greetings']).toBe('{ "schema": {}, ');
    expect(specNamed('aliceCo/hello/greetings')?.spec).toEqual(specTemplate('collection', 'x'));

    drafts().setEdit('aliceCo/hello/greetings', '{ "schema": { "type": "object" } }');
    expect(await drafts().saveSpec('aliceCo/hello/greetings')).toBe(true);
    expect(drafts().edits).toEqual({});
    expect(specNamed('aliceCo/hello/greetings')?.spec).toEqual({ schema: { type: 'object' } });
    await drafts().loadDrafts();
    expect(drafts().drafts?.find((d) => d.id === id)?.num_specs).toBe(2);
  });

  it('dry-runs: schema errors land next to the spec; fixed, the dry run succeeds and changes nothing', async () => {
    await drafts().publish(true);
    expect(drafts().publication).toMatchObject({ dryRun: true, status: { type: 'buildFailed' } });
    const grouped = groupDraftErrors(
      editor().errors,
      editor().specs.map((s) => s.catalog_name),
    );
    expect(grouped.general).toEqual([]);
    expect(grouped.bySpec.get('aliceCo/hello/greetings')).toEqual([
      {
        scope: 'aliceCo/hello/greetings#/key',
        pointer: '/key',
        detail: 'Invalid collection specification aliceCo/hello/greetings: collection.key is required',
      },
    ]);

    drafts().setEdit('aliceCo/hello/greetings', specText(specTemplate('collection', 'x')));
    // Publishing uses saved specs: unsaved changes are refused with a clear message.
    await drafts().publish(true);
    expect(drafts().error).toMatch(/^Save or revert your changes to aliceCo\/hello\/greetings first/);
    expect(await drafts().saveSpec('aliceCo/hello/greetings')).toBe(true);
    await drafts().publish(true);
    expect(drafts().publication).toMatchObject({
      dryRun: true,
      status: { type: 'success', dryRun: true, changed: 2 },
      published: [],
    });
    expect(editor().errors).toEqual([]);
    expect(editor().specs).toHaveLength(2);
    const live = await auth()
      .client?.from('live_specs')
      .select('catalog_name')
      .like('catalog_name', 'aliceCo/%');
    expect(live?.data).toEqual([]);
  });

  it('publishes: lists the published specs, and the emptied draft is gone', async () => {
    const id = editor().draftId;
    await drafts().publish(false);
    expect(drafts().publication).toMatchObject({ draftId: id, status: { type: 'success', dryRun: false } });
    expect(drafts().publication?.published.map((p) => [p.catalog_name, p.spec_type])).toEqual([
      ['aliceCo/hello/greetings', 'collection'],
      ['aliceCo/hello/source', 'capture'],
    ]);
    expect(editor()).toMatchObject({ draftId: id, notFound: true, draft: null });
  });

  it('shows an expect_pub_id conflict on the spec and re-copies the live version to resolve it', async () => {
    const client = auth().client;
    if (!client) throw new Error('no client');
    const live = unwrap<LiveSpecRow>(
      await client.from('live_specs').select('*').eq('catalog_name', 'aliceCo/hello/greetings').single(),
    );
    const mine = await copyLiveSpecsToDraft(client, [live]);
    const theirs = await copyLiveSpecsToDraft(client, [live]);
    const changed = { ...(live.spec as object), projections: { message: '/message' } };

    await drafts().openDraft(theirs);
    drafts().setEdit('aliceCo/hello/greetings', specText(changed));
    expect(await drafts().saveSpec('aliceCo/hello/greetings')).toBe(true);
    await drafts().publish(false);
    expect(drafts().publication?.status?.type).toBe('success');

    await drafts().openDraft(mine);
    expect(specNamed('aliceCo/hello/greetings')?.expect_pub_id).toBe(live.last_pub_id);
    await drafts().publish(false);
    expect(drafts().publication?.status?.type).toBe('buildFailed');
    const errors = groupDraftErrors(editor().errors, ['aliceCo/hello/greetings']).bySpec.get(
      'aliceCo/hello/greetings',
    );
    const newPubId = specNamed('aliceCo/hello/greetings')?.last_pub_id;
    expect(errors?.map((e) => publicationConflict(e.detail))).toEqual([
      { expected: live.last_pub_id, actual: newPubId },
    ]);

    await drafts().recopyLive('aliceCo/hello/greetings');
    expect(drafts().error).toBeNull();
    expect(editor().errors).toEqual([]);
    expect(specNamed('aliceCo/hello/greetings')).toMatchObject({ expect_pub_id: newPubId, spec: changed });
    await drafts().publish(true);
    expect(drafts().publication?.status?.type).toBe('success');
  });

  it('marks a live spec for deletion, restores it, and removes specs from the draft', async () => {
    const name = 'aliceCo/hello/greetings';
    await drafts().markForDeletion(name);
    expect(specNamed(name)).toMatchObject({ spec: null, spec_type: null });
    await drafts().restoreSpec(name);
    expect(specNamed(name)).toMatchObject({ spec_type: 'collection', spec: specNamed(name)?.live_spec });
    await drafts().removeSpec(name);
    expect(editor().specs).toEqual([]);
  });

  it('keeps drafts private: bob sees none of alice’s, and opening one says it is not found', async () => {
    const aliceDraft = (await drafts().createDraft('alice only')) ?? '';
    await signIn('bob@example.com');
    await drafts().loadDrafts();
    expect(drafts().drafts).toEqual([]);
    await drafts().openDraft(aliceDraft);
    expect(editor()).toMatchObject({ draftId: aliceDraft, notFound: true, specs: [] });
    await drafts().deleteDraft(aliceDraft);
    expect(drafts().error).toMatch(/PGRST116|0 rows/);
    await signIn('alice@example.com');
    await drafts().loadDrafts();
    expect(drafts().drafts?.some((d) => d.id === aliceDraft)).toBe(true);
  });
});
