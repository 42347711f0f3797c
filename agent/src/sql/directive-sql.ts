// Statements of the directive handlers (bound parameters only).
import type pg from 'pg';

/** Upserts a user grant, never lowering an existing capability. */
export async function upsertUserGrant(
  client: pg.PoolClient,
  userId: string,
  objectRole: string,
  capability: string,
): Promise<void> {
  await client.query(
    `insert into user_grants (user_id, object_role, capability, detail) values ($1, $2, $3, 'applied via directive')
     on conflict (user_id, object_role) do update set capability = excluded.capability, updated_at = now()
     where user_grants.capability < excluded.capability`,
    [userId, objectRole, capability],
  );
}

/** The tenant the user already administers, if any. */
export async function administeredTenant(client: pg.PoolClient, userId: string): Promise<string | null> {
  const { rows } = await client.query<{ tenant: string }>(
    `select t.tenant::text from user_grants g join tenants t on t.tenant = g.object_role
     where g.user_id = $1 and g.capability = 'admin' order by t.tenant limit 1`,
    [userId],
  );
  return rows[0]?.tenant ?? null;
}

/** Whether a tenant of that name exists, ignoring case. */
export async function tenantTaken(client: pg.PoolClient, tenant: string): Promise<boolean> {
  const { rows } = await client.query('select 1 from tenants where lower(tenant) = lower($1)', [tenant]);
  return rows.length > 0;
}

/** The id of a user by email. */
export async function userIdByEmail(client: pg.PoolClient, email: string): Promise<string | null> {
  const { rows } = await client.query<{ id: string }>(
    'select id::text from auth.users where email = $1 limit 1',
    [email],
  );
  return rows[0]?.id ?? null;
}

/** A local storage mapping spec (temp-data-plane ignores stores; this matches the seed's local bucket). */
export function localStorageSpec(prefix: string): unknown {
  return { stores: [{ provider: 'GCS', bucket: 'flow-desktop-local', prefix }] };
}

/**
 * Provisions a tenant T: the tenant row, admin for the user, role grants, storage mappings, its task_stats
 * partition, and a draft of the tenant template owned by the accounts user with a queued publication.
 */
export async function provisionTenant(
  client: pg.PoolClient,
  args: {
    readonly tenant: string;
    readonly userId: string;
    readonly accountsId: string;
    readonly templateSpecs: readonly { name: string; type: string; spec: unknown }[];
  },
): Promise<{ draftId: string; publicationId: string }> {
  const { tenant, userId, accountsId } = args;
  const detail = 'applied via directive';
  await client.query('insert into tenants (tenant, detail) values ($1, $2)', [tenant, detail]);
  await client.query(
    `insert into user_grants (user_id, object_role, capability, detail) values ($1, $2, 'admin', $3)
     on conflict (user_id, object_role) do update set capability = 'admin', updated_at = now()`,
    [userId, tenant, detail],
  );
  await client.query(
    `insert into role_grants (subject_role, object_role, capability, detail) values
       ($1, $1, 'write', $2), ($1, 'ops/' || $1, 'read', $2), ($1, 'estuary/public/', 'read', $2)
     on conflict do nothing`,
    [tenant, detail],
  );
  await client.query(
    `insert into storage_mappings (catalog_prefix, spec, detail) values ($1, $2::json, $5), ($3, $4::json, $5)
     on conflict do nothing`,
    [
      tenant,
      JSON.stringify(localStorageSpec(tenant)),
      `recovery/${tenant}`,
      JSON.stringify(localStorageSpec(`recovery/${tenant}`)),
      detail,
    ],
  );
  await client.query('select task_stat_partitions.create_partition($1)', [tenant]);
  const draft = await client.query<{ id: string }>(
    `insert into drafts (user_id, detail) values ($1, $2) returning id::text`,
    [accountsId, `onboarding of ${tenant}`],
  );
  const draftId = draft.rows[0]!.id;
  for (const s of args.templateSpecs) {
    await client.query(
      `insert into draft_specs (draft_id, catalog_name, spec, spec_type) values ($1, $2, $3::json, $4)
       on conflict (draft_id, catalog_name) do update set spec = excluded.spec, spec_type = excluded.spec_type`,
      [draftId, s.name, JSON.stringify(s.spec), s.type],
    );
  }
  const publication = await client.query<{ id: string }>(
    `insert into publications (user_id, draft_id, detail) values ($1, $2, $3) returning id::text`,
    [accountsId, draftId, `onboarding of ${tenant}`],
  );
  return { draftId, publicationId: publication.rows[0]!.id };
}
