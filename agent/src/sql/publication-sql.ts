// Every statement of the publication handler. Identifiers are constants; values are bound parameters.
import type pg from 'pg';

import type { ParsedSpec, SpecType } from '../handlers/publications/catalog-specs.js';

/** A draft spec joined with its (locked) live spec. */
export interface DraftSpecRow {
  readonly draft_spec_id: string;
  readonly catalog_name: string;
  readonly expect_pub_id: string | null;
  readonly draft_spec: unknown;
  readonly draft_type: SpecType | null;
  readonly live_spec_id: string;
  readonly last_pub_id: string;
  readonly last_build_id: string;
  readonly live_spec: unknown;
  readonly live_type: SpecType | null;
}

/**
 * Ensures a live_specs row exists for each draft spec (new ones: spec null, last pub/build = this publication),
 * then selects the draft specs with their live specs `for update`, in name order so that two publications of
 * overlapping names lock in the same order and serialize instead of deadlocking.
 */
export async function lockDraftSpecs(
  client: pg.PoolClient,
  draftId: string,
  pubId: string,
): Promise<DraftSpecRow[]> {
  await client.query(
    `insert into live_specs (catalog_name, last_pub_id, last_build_id)
     select catalog_name, $2, $2 from draft_specs where draft_id = $1 order by catalog_name
     on conflict (catalog_name) do nothing`,
    [draftId, pubId],
  );
  const { rows } = await client.query<DraftSpecRow>(
    `select d.id as draft_spec_id, d.catalog_name, d.expect_pub_id::text, d.spec as draft_spec,
            d.spec_type as draft_type, l.id as live_spec_id, l.last_pub_id::text, l.last_build_id::text,
            l.spec as live_spec, l.spec_type as live_type
     from draft_specs d join live_specs l on l.catalog_name = d.catalog_name
     where d.draft_id = $1
     order by d.catalog_name
     for update of d, l`,
    [draftId],
  );
  return rows;
}

/** A role of a user or a grant of a role, with its capability. */
export interface Grant {
  readonly subject_role: string;
  readonly object_role: string;
  readonly capability: string;
}

/** The roles of a user (own grants plus, recursively, the role grants of roles it administers). */
export async function userRoles(
  client: pg.PoolClient,
  userId: string,
): Promise<{ role_prefix: string; capability: string }[]> {
  const { rows } = await client.query<{ role_prefix: string; capability: string }>(
    'select role_prefix::text, capability::text from internal.user_roles($1)',
    [userId],
  );
  return rows;
}

/** Role grants whose subject role prefixes one of the names. */
export async function roleGrantsOf(client: pg.PoolClient, names: readonly string[]): Promise<Grant[]> {
  const { rows } = await client.query<Grant>(
    `select subject_role::text, object_role::text, capability::text from role_grants
     where exists (select 1 from unnest($1::text[]) n where starts_with(n, subject_role))
     order by subject_role, object_role`,
    [names],
  );
  return rows;
}

/** Capabilities in enum order, for comparing without a round trip. */
export async function capabilityOrder(client: pg.PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ c: string[] }>(
    `select enum_range(null::grant_capability)::text[] as c`,
  );
  return rows[0]?.c ?? [];
}

/** Applies one draft spec to the live catalog: history, live spec, its data-flow edges; deletes the draft spec. */
export async function applySpec(
  client: pg.PoolClient,
  args: {
    readonly row: DraftSpecRow;
    readonly parsed: ParsedSpec | null;
    readonly pubId: string;
    readonly userId: string;
    readonly detail: string | null;
  },
): Promise<void> {
  const { row, parsed, pubId, userId, detail } = args;
  const specJson = parsed ? JSON.stringify(parsed.spec) : null;
  await client.query('delete from draft_specs where id = $1', [row.draft_spec_id]);
  await client.query(
    `insert into publication_specs (live_spec_id, pub_id, detail, spec, spec_type, user_id)
     values ($1, $2, $3, $4::json, $5, $6)`,
    [row.live_spec_id, pubId, detail, specJson, parsed?.type ?? null, userId],
  );
  await client.query(
    `update live_specs set spec = $2::json, spec_type = $3, last_pub_id = $4, last_build_id = $4,
       reads_from = $5, writes_to = $6, connector_image_name = $7, connector_image_tag = $8, updated_at = now()
     where id = $1`,
    [
      row.live_spec_id,
      specJson,
      parsed?.type ?? null,
      pubId,
      parsed && parsed.readsFrom.length > 0 ? parsed.readsFrom : null,
      parsed && parsed.writesTo.length > 0 ? parsed.writesTo : null,
      parsed?.image?.name ?? null,
      parsed?.image?.tag || null,
    ],
  );
  await replaceFlows(client, row.live_spec_id, row.live_type, parsed);
}

// The edges a spec owns are those where it is the task side: a capture's and a test ingest's edges start at
// it, a materialization's, a derivation's and a test verify's edges end at it.
async function replaceFlows(
  client: pg.PoolClient,
  liveSpecId: string,
  oldType: SpecType | null,
  parsed: ParsedSpec | null,
): Promise<void> {
  const type = parsed?.type ?? oldType;
  if (type !== null) {
    await client.query(
      `delete from live_spec_flows
       where (source_id = $1 and flow_type = $2 and $2 in ('capture', 'test'))
          or (target_id = $1 and flow_type = $2)`,
      [liveSpecId, type],
    );
  }
  if (!parsed) return;
  if (parsed.readsFrom.length > 0) {
    await client.query(
      `insert into live_spec_flows (source_id, target_id, flow_type)
       select l.id, $1, $3 from live_specs l where l.catalog_name = any($2::text[])
       on conflict do nothing`,
      [liveSpecId, parsed.readsFrom, parsed.type],
    );
  }
  if (parsed.writesTo.length > 0) {
    await client.query(
      `insert into live_spec_flows (source_id, target_id, flow_type)
       select $1, l.id, $3 from live_specs l where l.catalog_name = any($2::text[])
       on conflict do nothing`,
      [liveSpecId, parsed.writesTo, parsed.type],
    );
  }
}

/** A live spec pulled into a build because it is connected to a changed one. */
export interface ExpandedSpec {
  readonly id: string;
  readonly catalog_name: string;
  readonly spec: unknown;
  readonly spec_type: SpecType;
}

/**
 * Live specs connected to the changed ones: derivations and tasks bound to changed collections, the other
 * collections of those tasks, then (walking back along derivation and test edges) derivation sources and the
 * tests that ingest into them. Deleted and changed specs are excluded. Their last_build_id becomes this
 * publication (locked in name order).
 */
export async function expandAndMarkBuild(
  client: pg.PoolClient,
  changedIds: readonly string[],
  pubId: string,
): Promise<ExpandedSpec[]> {
  const { rows } = await client.query<ExpandedSpec>(
    `with recursive
     seed as (select id, spec_type from live_specs where id = any($1::macaddr8[])),
     near as (
       select id from seed
       union select f.target_id from live_spec_flows f join seed s on s.id = f.source_id
         where (s.spec_type = 'collection' and f.flow_type in ('collection', 'materialization'))
            or s.spec_type in ('capture', 'test')
       union select f.source_id from live_spec_flows f join seed s on s.id = f.target_id
         where (s.spec_type = 'collection' and f.flow_type = 'capture') or s.spec_type in ('materialization', 'test')
     ),
     bound as (
       select id from near
       union select f.target_id from live_spec_flows f join near n on n.id = f.source_id where f.flow_type = 'capture'
       union select f.source_id from live_spec_flows f join near n on n.id = f.target_id where f.flow_type = 'materialization'
     ),
     back (id) as (
       select id from bound
       union select f.source_id from live_spec_flows f join back b on b.id = f.target_id
         where f.flow_type in ('collection', 'test')
     )
     select l.id, l.catalog_name, l.spec, l.spec_type from live_specs l
     where l.id in (select id from back) and l.spec is not null and not (l.id = any($1::macaddr8[]))
     order by l.catalog_name
     for update of l`,
    [changedIds],
  );
  if (rows.length > 0) {
    await client.query(
      'update live_specs set last_build_id = $2, updated_at = now() where id = any($1::macaddr8[])',
      [rows.map((r) => r.id), pubId],
    );
  }
  return rows;
}

/** Storage mappings whose prefix covers one of the names. */
export async function storageMappingsFor(
  client: pg.PoolClient,
  names: readonly string[],
): Promise<{ catalog_prefix: string; spec: unknown }[]> {
  const { rows } = await client.query<{ catalog_prefix: string; spec: unknown }>(
    `select catalog_prefix::text, spec from storage_mappings
     where exists (select 1 from unnest($1::text[]) n where starts_with(n, catalog_prefix))
     order by catalog_prefix`,
    [names],
  );
  return rows;
}

/** Records errors of a draft (after rolling back to the savepoint, so they survive). */
export async function insertDraftErrors(
  client: pg.PoolClient,
  draftId: string,
  errors: readonly { scope: string; detail: string }[],
): Promise<void> {
  if (errors.length === 0) return;
  await client.query(
    `insert into draft_errors (draft_id, scope, detail) select $1, * from unnest($2::text[], $3::text[])`,
    [draftId, errors.map((e) => e.scope), errors.map((e) => e.detail)],
  );
}

/** Deletes a draft that has no specs left (the user may have added one since the publication committed). */
export async function deleteDraftIfEmpty(pool: pg.Pool, draftId: string): Promise<void> {
  await pool.query(
    `delete from drafts d where d.id = $1 and not exists (select 1 from draft_specs s where s.draft_id = d.id)`,
    [draftId],
  );
}
