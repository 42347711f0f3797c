import type { SupabaseClient } from '@supabase/supabase-js';

import type { DraftRow, LiveSpecRow } from '../../../shared/control-plane-rows.js';
import { unwrap } from './api-error.js';

/** The part of a live spec that "edit" copies into a draft. */
export type EditableLiveSpec = Pick<LiveSpecRow, 'catalog_name' | 'spec' | 'spec_type' | 'last_pub_id'>;

/**
 * Copies live specs into a draft (a new one unless `draftId` is given) for editing, with `expect_pub_id` set to
 * each spec's `last_pub_id`: publishing then fails if someone else changed the spec meanwhile. Returns the
 * draft's id.
 */
export async function copyLiveSpecsToDraft(
  client: SupabaseClient,
  specs: readonly EditableLiveSpec[],
  draftId?: string,
): Promise<string> {
  let id = draftId;
  if (!id) {
    const names = specs.map((s) => s.catalog_name).join(', ');
    const draft = unwrap<Pick<DraftRow, 'id'>>(
      await client
        .from('drafts')
        .insert({ detail: `Edit ${names}` })
        .select('id')
        .single(),
    );
    id = draft.id;
  }
  // Names already in the draft are updated in place (users may not update draft_id, so no upsert).
  const present = new Set(
    unwrap<{ catalog_name: string }[]>(
      await client
        .from('draft_specs')
        .select('catalog_name')
        .eq('draft_id', id)
        .in(
          'catalog_name',
          specs.map((s) => s.catalog_name),
        ),
    ).map((r) => r.catalog_name),
  );
  for (const s of specs.filter((s) => present.has(s.catalog_name))) {
    const changes = { spec: s.spec, spec_type: s.spec_type, expect_pub_id: s.last_pub_id };
    unwrap(
      await client.from('draft_specs').update(changes).eq('draft_id', id).eq('catalog_name', s.catalog_name),
    );
  }
  const rows = specs
    .filter((s) => !present.has(s.catalog_name))
    .map((s) => ({
      draft_id: id,
      catalog_name: s.catalog_name,
      spec: s.spec,
      spec_type: s.spec_type,
      expect_pub_id: s.last_pub_id,
    }));
  if (rows.length > 0) unwrap(await client.from('draft_specs').insert(rows));
  return id;
}
