// Row-level security of every public table and _ext view, for the seeded users (see supabase/seed.sql):
// alice administers aliceCo/, bob administers bobCo/, carol may read aliceCo/; aliceCo/ specs were granted
// read on bobCo/shared/ (so alice, as admin of aliceCo/, carries it).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openDatabase, sqlState, type DbFixture } from './support/database.js';
import { ACCOUNTS, ALICE, BOB, CAROL, as, sqlAs, tryAs, type SeedUser } from './support/sql-as.js';

const escapeIdentifier = (name: string): string => pg.Client.prototype.escapeIdentifier(name);

let fx: DbFixture;
let pool: pg.Pool;
const ids: Record<string, string> = {};

const LIVE = [
  'aliceCo/anvils/capture',
  'aliceCo/anvils/data',
  'aliceCo/anvils/mat',
  'bobCo/widgets',
  'bobCo/shared/gizmos',
];
const VISIBLE: Record<string, string[]> = {
  alice: ['aliceCo/anvils/capture', 'aliceCo/anvils/data', 'aliceCo/anvils/mat', 'bobCo/shared/gizmos'],
  bob: ['bobCo/shared/gizmos', 'bobCo/widgets'],
  carol: ['aliceCo/anvils/capture', 'aliceCo/anvils/data', 'aliceCo/anvils/mat'],
};

function id(name: string): string {
  const value = ids[name];
  if (value === undefined) throw new Error(`no fixture id ${name}`);
  return value;
}

async function names(user: SeedUser, query: string, params: unknown[] = []): Promise<string[]> {
  const rows = await sqlAs<{ name: string }>(pool, user, query, params);
  return rows.map((r) => r.name).sort();
}

beforeAll(async () => {
  fx = await openDatabase();
  pool = fx.pool;
  // Fixtures as postgres (the owner): a publication per user and live specs on both tenants.
  const pubs = await pool.query<{ id: string; user_id: string }>(
    `insert into publications (user_id, draft_id, job_status) values
       ($1, internal.id_generator(), '{"type":"success"}'), ($2, internal.id_generator(), '{"type":"success"}')
     returning id::text, user_id::text`,
    [ALICE.id, BOB.id],
  );
  for (const p of pubs.rows) ids[p.user_id === ALICE.id ? 'alicePub' : 'bobPub'] = p.id;
  for (const name of LIVE) {
    const pub = name.startsWith('aliceCo/') ? id('alicePub') : id('bobPub');
    const type = name.endsWith('capture')
      ? 'capture'
      : name.endsWith('mat')
        ? 'materialization'
        : 'collection';
    const image =
      type === 'capture'
        ? 'ghcr.io/estuary/source-postgres'
        : type === 'materialization'
          ? 'ghcr.io/estuary/materialize-postgres'
          : null;
    const { rows } = await pool.query<{ id: string }>(
      `insert into live_specs (catalog_name, last_build_id, last_pub_id, spec, spec_type, connector_image_name, connector_image_tag)
       values ($1, $2, $2, '{}', $3, $4, case when $4::text is null then null else ':v1' end) returning id::text`,
      [name, pub, type, image],
    );
    ids[name] = rows[0]!.id;
    await pool.query(
      `insert into publication_specs (live_spec_id, pub_id, detail, spec, spec_type, user_id)
       values ($1, $2, $3, '{}', $4, $5)`,
      [id(name), pub, `published ${name}`, type, name.startsWith('aliceCo/') ? ALICE.id : BOB.id],
    );
  }
  await pool.query(
    `insert into live_spec_flows (source_id, target_id, flow_type) values
       ($1, $2, 'capture'), ($2, $3, 'materialization'), ($4, $3, 'materialization'), ($5, $3, 'materialization')`,
    [
      id('aliceCo/anvils/capture'),
      id('aliceCo/anvils/data'),
      id('aliceCo/anvils/mat'),
      id('bobCo/shared/gizmos'),
      id('bobCo/widgets'),
    ],
  );
  const draft = await pool.query<{ id: string }>(
    `insert into drafts (user_id, detail) values ($1, 'alice draft') returning id::text`,
    [ALICE.id],
  );
  ids.aliceDraft = draft.rows[0]!.id;
  await pool.query(
    `insert into draft_specs (draft_id, catalog_name, spec, spec_type) values
       ($1, 'aliceCo/anvils/data', '{"key":["/id"]}', 'collection'), ($1, 'bobCo/widgets', '{}', 'collection')`,
    [id('aliceDraft')],
  );
  await pool.query(`insert into draft_errors (draft_id, scope, detail) values ($1, 'flow://x', 'boom')`, [
    id('aliceDraft'),
  ]);
  await pool.query(
    `select task_stat_partitions.create_partition('aliceCo/'), task_stat_partitions.create_partition('bobCo/')`,
  );
  await pool.query(
    `insert into task_stats (flow_document, hourstamp, shard_split, task_name, task_type) values
       ('{}', date_trunc('hour', now()), '00:00:00:00:00:00:00:00', 'aliceCo/anvils/capture', 'capture'),
       ('{}', date_trunc('hour', now()), '00:00:00:00:00:00:00:00', 'bobCo/task', 'materialization')`,
  );
});

afterAll(async () => {
  await fx?.close();
});

describe('anon and service_role', () => {
  it('anon may not read or call anything in public', async () => {
    const { rows } = await pool.query<{ name: string }>(
      `select c.relname as name from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v')`,
    );
    expect(rows.length).toBeGreaterThan(15);
    for (const { name } of rows) {
      const state = await sqlState(
        tryAs(pool, 'anon', `select 1 from public.${escapeIdentifier(name)} limit 1`),
      );
      expect({ name, state }).toEqual({ name, state: '42501' });
    }
    expect(await sqlState(tryAs(pool, 'anon', `select * from auth_roles()`))).toBe('42501');
    const { rows: functions } = await pool.query<{ signature: string }>(
      `select oid::regprocedure::text as signature from pg_proc where pronamespace = 'public'::regnamespace`,
    );
    expect(functions.length).toBeGreaterThanOrEqual(7);
    for (const { signature } of functions) {
      const [row] = await sqlAs<{ can: boolean }>(
        pool,
        'anon',
        `select has_function_privilege($1, 'execute') as can`,
        [signature],
      );
      expect({ signature, can: row?.can }).toEqual({ signature, can: false });
    }
    expect(
      await sqlState(tryAs(pool, 'anon', `select * from exchange_directive_token(gen_random_uuid())`)),
    ).toBe('42501');
  });

  it('service_role sees every row', async () => {
    const [all] = (await pool.query<{ n: number }>(`select count(*)::int as n from live_specs`)).rows;
    const [svc] = await sqlAs<{ n: number }>(
      pool,
      'service_role',
      `select count(*)::int as n from live_specs`,
    );
    expect(all!.n).toBe(LIVE.length);
    expect(svc!.n).toBe(all!.n);
  });
});

describe('roles', () => {
  it('projects role grants through admin roles, recursively', async () => {
    const roles = (u: SeedUser) =>
      sqlAs<{ role_prefix: string; capability: string }>(
        pool,
        u,
        `select role_prefix, capability::text from auth_roles() order by 1`,
      );
    expect(await roles(ALICE)).toEqual([
      { role_prefix: 'aliceCo/', capability: 'admin' },
      { role_prefix: 'bobCo/shared/', capability: 'read' },
      { role_prefix: 'estuary/public/', capability: 'read' },
      { role_prefix: 'ops/aliceCo/', capability: 'read' },
    ]);
    // carol only reads aliceCo/: role grants of aliceCo/ specs are not hers.
    expect(await roles(CAROL)).toEqual([{ role_prefix: 'aliceCo/', capability: 'read' }]);
    // Admin reached through a role grant is followed further; read reached that way is not.
    const deep = await as(
      pool,
      ALICE,
      async (c) =>
        (await c.query<{ role_prefix: string }>(`select role_prefix from auth_roles() order by 1`)).rows.map(
          (r) => r.role_prefix,
        ),
      {
        rollback: true,
        prepare: (c) =>
          c.query(`insert into role_grants (subject_role, object_role, capability) values
                     ('aliceCo/', 'partnerCo/', 'admin'), ('partnerCo/team/', 'deepCo/', 'read'),
                     ('bobCo/shared/', 'neverCo/', 'read')`),
      },
    );
    expect(deep).toEqual([
      'aliceCo/',
      'bobCo/shared/',
      'deepCo/',
      'estuary/public/',
      'ops/aliceCo/',
      'partnerCo/',
    ]);
    expect(
      await sqlAs(
        pool,
        ALICE,
        `select auth_catalog('aliceCo/anything', 'admin') as a, auth_catalog('bobCo/x', 'x_00') as b, auth_catalog('bobCo/shared/x', 'write') as c`,
      ),
    ).toEqual([{ a: true, b: false, c: false }]);
    expect(await sqlAs(pool, ALICE, `select auth_uid()::text as uid`)).toEqual([{ uid: ALICE.id }]);
  });
});

describe('grants', () => {
  it('users see their own user grants and those of roles they administer', async () => {
    const q = `select u.email || ' ' || g.object_role || ' ' || g.capability as name from user_grants g join (values ($1::uuid, 'alice'), ($2, 'bob'), ($3, 'carol')) u (id, email) on u.id = g.user_id`;
    const p = [ALICE.id, BOB.id, CAROL.id];
    expect(await names(ALICE, q, p)).toEqual(['alice aliceCo/ admin', 'carol aliceCo/ read']);
    expect(await names(BOB, q, p)).toEqual(['bob bobCo/ admin']);
    expect(await names(CAROL, q, p)).toEqual(['carol aliceCo/ read']);
  });

  it('only admins of the object role grant, change and revoke; grantees may give up their own', async () => {
    const insert = `insert into user_grants (user_id, object_role, capability) values ($1, $2, 'read') returning object_role`;
    expect(await tryAs(pool, ALICE, insert, [BOB.id, 'aliceCo/shared/'])).toEqual([
      { object_role: 'aliceCo/shared/' },
    ]);
    expect(await sqlState(tryAs(pool, BOB, insert, [BOB.id, 'aliceCo/']))).toBe('42501');
    expect(await sqlState(tryAs(pool, CAROL, insert, [CAROL.id, 'aliceCo/more/']))).toBe('42501');
    const raise = `update user_grants set capability = 'write' where user_id = $1 returning capability::text`;
    expect(await tryAs(pool, ALICE, raise, [CAROL.id])).toEqual([{ capability: 'write' }]);
    expect(await tryAs(pool, CAROL, raise, [CAROL.id])).toEqual([]);
    // Moving a grant to another user or prefix is not an update users may make.
    expect(
      await sqlState(
        tryAs(pool, ALICE, `update user_grants set user_id = $1 where user_id = $2`, [BOB.id, CAROL.id]),
      ),
    ).toBe('42501');
    const revoke = `delete from user_grants where user_id = $1 returning object_role`;
    expect(await tryAs(pool, CAROL, revoke, [CAROL.id])).toEqual([{ object_role: 'aliceCo/' }]);
    expect(await tryAs(pool, BOB, revoke, [CAROL.id])).toEqual([]);
    expect(await tryAs(pool, ALICE, revoke, [CAROL.id])).toEqual([{ object_role: 'aliceCo/' }]);
  });

  it('role grants are visible to admins of the object and to holders of the subject', async () => {
    const q = `select subject_role || ' -> ' || object_role as name from role_grants`;
    expect(await names(ALICE, q)).toEqual([
      'aliceCo/ -> aliceCo/',
      'aliceCo/ -> bobCo/shared/',
      'aliceCo/ -> estuary/public/',
      'aliceCo/ -> ops/aliceCo/',
    ]);
    expect(await names(BOB, q)).toEqual([
      'aliceCo/ -> bobCo/shared/',
      'bobCo/ -> bobCo/',
      'bobCo/ -> estuary/public/',
      'bobCo/ -> ops/bobCo/',
    ]);
    expect(await names(CAROL, q)).toEqual(await names(ALICE, q));
  });

  it('role grants are managed by admins of the object; admins of the subject may drop them', async () => {
    const insert = `insert into role_grants (subject_role, object_role, capability) values ($1, $2, 'read') returning id`;
    expect(await tryAs(pool, ALICE, insert, ['bobCo/', 'aliceCo/public/'])).toHaveLength(1);
    expect(await sqlState(tryAs(pool, ALICE, insert, ['aliceCo/', 'bobCo/']))).toBe('42501');
    expect(await sqlState(tryAs(pool, CAROL, insert, ['aliceCo/', 'aliceCo/x/']))).toBe('42501');
    const drop = `delete from role_grants where subject_role = 'aliceCo/' and object_role = 'bobCo/shared/' returning id`;
    expect(await tryAs(pool, BOB, drop)).toHaveLength(1);
    expect(await tryAs(pool, ALICE, drop)).toHaveLength(1);
    expect(await tryAs(pool, CAROL, drop)).toHaveLength(0);
    const update = `update role_grants set capability = 'admin' where object_role = 'bobCo/shared/' returning id`;
    expect(await tryAs(pool, ALICE, update)).toHaveLength(0);
    expect(await tryAs(pool, BOB, update)).toHaveLength(1);
  });
});

describe('live catalog', () => {
  it('live specs and their history need read on the name', async () => {
    for (const [user, visible] of [
      [ALICE, VISIBLE.alice],
      [BOB, VISIBLE.bob],
      [CAROL, VISIBLE.carol],
    ] as const) {
      expect(await names(user, `select catalog_name as name from live_specs`)).toEqual(visible);
      expect(await names(user, `select catalog_name as name from live_specs_ext`)).toEqual(visible);
      expect(
        await names(
          user,
          `select l.catalog_name as name from publication_specs p join live_specs l on l.id = p.live_spec_id`,
        ),
      ).toEqual(visible);
      expect(await names(user, `select catalog_name as name from publication_specs_ext`)).toEqual(visible);
    }
    expect(await names(ACCOUNTS, `select catalog_name as name from live_specs`)).toEqual([]);
  });

  it('data flows are visible when both ends are', async () => {
    const q = `select s.catalog_name || ' -> ' || t.catalog_name as name
               from live_spec_flows f, lateral (select catalog_name from live_specs where id = f.source_id) s,
                    lateral (select catalog_name from live_specs where id = f.target_id) t`;
    const [total] = (await pool.query<{ n: number }>(`select count(*)::int as n from live_spec_flows`)).rows;
    expect(total!.n).toBe(4);
    expect(await names(ALICE, q)).toEqual([
      'aliceCo/anvils/capture -> aliceCo/anvils/data',
      'aliceCo/anvils/data -> aliceCo/anvils/mat',
      'bobCo/shared/gizmos -> aliceCo/anvils/mat',
    ]);
    expect((await sqlAs(pool, ALICE, `select * from live_spec_flows`)).length).toBe(3);
    expect(await sqlAs(pool, BOB, `select * from live_spec_flows`)).toEqual([]);
    expect((await sqlAs(pool, CAROL, `select * from live_spec_flows`)).length).toBe(2);
  });

  it('live_specs_ext joins connector, tag and last publication', async () => {
    const rows = await sqlAs<Record<string, unknown>>(
      pool,
      ALICE,
      `select * from live_specs_ext where catalog_name = 'aliceCo/anvils/capture'`,
    );
    expect(rows).toHaveLength(1);
    const [tag] = (
      await pool.query<{ id: string; connector_id: string }>(
        `select t.id::text, t.connector_id::text from connector_tags t join connectors c on c.id = t.connector_id
       where c.image_name = 'ghcr.io/estuary/source-postgres' and t.image_tag = ':v1'`,
      )
    ).rows;
    expect(rows[0]).toMatchObject({
      catalog_name: 'aliceCo/anvils/capture',
      connector_id: tag!.connector_id,
      connector_tag_id: tag!.id,
      connector_title: { 'en-US': 'PostgreSQL' },
      connector_recommended: true,
      connector_external_url: 'https://postgresql.org',
      last_pub_id: id('alicePub'),
      last_pub_detail: 'published aliceCo/anvils/capture',
      last_pub_user_id: ALICE.id,
      last_pub_user_email: ALICE.email,
      last_pub_user_full_name: 'Alice',
    });
    const history = await sqlAs<Record<string, unknown>>(
      pool,
      BOB,
      `select * from publication_specs_ext where catalog_name = 'bobCo/widgets'`,
    );
    expect(history).toEqual([
      expect.objectContaining({
        pub_id: id('bobPub'),
        last_pub_id: id('bobPub'),
        user_email: BOB.email,
        user_full_name: 'Bob',
      }),
    ]);
  });

  it('combined_grants_ext lists the user and role grants the caller may see', async () => {
    const q = `select coalesce(user_email, subject_role) || ' ' || object_role as name from combined_grants_ext`;
    expect(await names(ALICE, q)).toEqual(
      [
        'aliceCo/ aliceCo/',
        'aliceCo/ bobCo/shared/',
        'aliceCo/ estuary/public/',
        'aliceCo/ ops/aliceCo/',
        'alice@example.com aliceCo/',
        'carol@example.com aliceCo/',
      ].sort(),
    );
    expect(await names(BOB, q)).toEqual(
      [
        'aliceCo/ bobCo/shared/',
        'bob@example.com bobCo/',
        'bobCo/ bobCo/',
        'bobCo/ estuary/public/',
        'bobCo/ ops/bobCo/',
      ].sort(),
    );
  });
});

describe('drafts', () => {
  it('users see and change only their own drafts, and only their description', async () => {
    expect(await names(ALICE, `select detail as name from drafts`)).toEqual(['alice draft']);
    expect(await names(BOB, `select detail as name from drafts`)).toEqual([]);
    expect(await tryAs(pool, BOB, `update drafts set detail = 'mine' returning id`)).toEqual([]);
    expect(await tryAs(pool, BOB, `delete from drafts returning id`)).toEqual([]);
    const [made] = await tryAs<{ user_id: string }>(
      pool,
      BOB,
      `insert into drafts (detail) values ('bob draft') returning user_id::text`,
    );
    expect(made!.user_id).toBe(BOB.id);
    expect(
      await sqlState(
        tryAs(pool, BOB, `insert into drafts (user_id, detail) values ($1, 'forged')`, [ALICE.id]),
      ),
    ).toBe('42501');
    expect(await sqlState(tryAs(pool, 'anon', `insert into drafts (detail) values ('x')`))).toBe('42501');
  });

  it('draft specs and errors follow the draft', async () => {
    expect(await names(ALICE, `select catalog_name as name from draft_specs`)).toEqual([
      'aliceCo/anvils/data',
      'bobCo/widgets',
    ]);
    expect(await names(BOB, `select catalog_name as name from draft_specs`)).toEqual([]);
    const insert = `insert into draft_specs (draft_id, catalog_name, spec, spec_type) values ($1, 'aliceCo/new', '{}', 'collection') returning id`;
    expect(await tryAs(pool, ALICE, insert, [id('aliceDraft')])).toHaveLength(1);
    expect(await sqlState(tryAs(pool, BOB, insert, [id('aliceDraft')]))).toBe('42501');
    expect(await tryAs(pool, BOB, `update draft_specs set spec = '{"x":1}' returning id`)).toEqual([]);
    expect(await sqlAs(pool, ALICE, `select scope, detail from draft_errors`)).toEqual([
      { scope: 'flow://x', detail: 'boom' },
    ]);
    expect(await sqlAs(pool, BOB, `select * from draft_errors`)).toEqual([]);
    expect(await tryAs(pool, BOB, `delete from draft_errors returning scope`)).toEqual([]);
    expect(await tryAs(pool, ALICE, `delete from draft_errors returning scope`)).toEqual([
      { scope: 'flow://x' },
    ]);
    expect(
      await sqlState(
        tryAs(pool, ALICE, `insert into draft_errors (draft_id, scope, detail) values ($1, 's', 'd')`, [
          id('aliceDraft'),
        ]),
      ),
    ).toBe('42501');
  });

  it('spec and spec_type are both set or both null, and spec is never JSON null', async () => {
    const insert = (spec: string | null, type: string | null) =>
      tryAs(
        pool,
        ALICE,
        `insert into draft_specs (draft_id, catalog_name, spec, spec_type) values ($1, 'aliceCo/c', $2::json, $3) returning id`,
        [id('aliceDraft'), spec, type],
      );
    expect(await insert(null, null)).toHaveLength(1);
    expect(await insert('{}', 'capture')).toHaveLength(1);
    expect(await sqlState(insert('{}', null))).toBe('23514');
    expect(await sqlState(insert(null, 'capture'))).toBe('23514');
    expect(await sqlState(insert('null', 'capture'))).toBe('23514');
  });

  it('drafts_ext and draft_specs_ext show only what the caller may see', async () => {
    expect(await sqlAs(pool, ALICE, `select detail, num_specs::int from drafts_ext`)).toEqual([
      { detail: 'alice draft', num_specs: 2 },
    ]);
    expect(await sqlAs(pool, BOB, `select * from drafts_ext`)).toEqual([]);
    const rows = await sqlAs<{
      catalog_name: string;
      live_spec_type: string | null;
      last_pub_id: string | null;
      last_pub_user_email: string | null;
    }>(
      pool,
      ALICE,
      `select catalog_name, live_spec_type::text, last_pub_id::text, last_pub_user_email from draft_specs_ext order by catalog_name`,
    );
    // bobCo/widgets exists, but alice may not read it: her draft shows no live spec for it.
    expect(rows).toEqual([
      {
        catalog_name: 'aliceCo/anvils/data',
        live_spec_type: 'collection',
        last_pub_id: id('alicePub'),
        last_pub_user_email: ALICE.email,
      },
      { catalog_name: 'bobCo/widgets', live_spec_type: null, last_pub_id: null, last_pub_user_email: null },
    ]);
    expect(await sqlAs(pool, BOB, `select * from draft_specs_ext`)).toEqual([]);
  });

  it('discovers follow the draft and accept only their four input columns', async () => {
    const [tag] = (await pool.query<{ id: string }>(`select id::text from connector_tags limit 1`)).rows;
    const insert = `insert into discovers (capture_name, connector_tag_id, draft_id, endpoint_config) values ('aliceCo/cap', $1, $2, '{}') returning job_status`;
    expect(await tryAs(pool, ALICE, insert, [tag!.id, id('aliceDraft')])).toEqual([
      { job_status: { type: 'queued' } },
    ]);
    expect(await sqlState(tryAs(pool, BOB, insert, [tag!.id, id('aliceDraft')]))).toBe('42501');
    expect(
      await sqlState(
        tryAs(
          pool,
          ALICE,
          `insert into discovers (capture_name, connector_tag_id, draft_id, endpoint_config, job_status) values ('aliceCo/cap', $1, $2, '{}', '{"type":"success"}')`,
          [tag!.id, id('aliceDraft')],
        ),
      ),
    ).toBe('42501');
    const visible = await as(
      pool,
      BOB,
      async (c) => (await c.query<Record<string, unknown>>(`select * from discovers`)).rows,
      {
        rollback: true,
        prepare: (c) =>
          c.query(
            `insert into discovers (capture_name, connector_tag_id, draft_id, endpoint_config) values ('aliceCo/cap', $1, $2, '{}')`,
            [tag!.id, id('aliceDraft')],
          ),
      },
    );
    expect(visible).toEqual([]);
  });

  it('publications: users publish only their own drafts and see only their own', async () => {
    const publish = `insert into publications (draft_id, dry_run) values ($1, true) returning user_id::text, job_status`;
    expect(await tryAs(pool, ALICE, publish, [id('aliceDraft')])).toEqual([
      { user_id: ALICE.id, job_status: { type: 'queued' } },
    ]);
    expect(await sqlState(tryAs(pool, BOB, publish, [id('aliceDraft')]))).toBe('42501');
    expect(
      await sqlState(
        tryAs(pool, ALICE, `insert into publications (draft_id, user_id) values ($1, $2)`, [
          id('aliceDraft'),
          BOB.id,
        ]),
      ),
    ).toBe('42501');
    expect(await names(ALICE, `select id::text as name from publications`)).toEqual([id('alicePub')]);
    expect(await names(BOB, `select id::text as name from publications`)).toEqual([id('bobPub')]);
    expect(
      await tryAs(pool, ALICE, `update publications set dry_run = false returning id`).catch(
        (e: unknown) => e,
      ),
    ).toMatchObject({ code: '42501' });
  });
});

describe('connectors, storage, tenants, stats, directives', () => {
  it('connectors are readable except the raw open graph, the admin patch and the OAuth secret', async () => {
    expect(await names(CAROL, `select image_name as name from connectors`)).toEqual([
      'ghcr.io/estuary/materialize-postgres',
      'ghcr.io/estuary/source-hello-world',
      'ghcr.io/estuary/source-postgres',
    ]);
    for (const column of ['open_graph_raw', 'open_graph_patch', 'oauth2_client_secret']) {
      expect(await sqlState(tryAs(pool, CAROL, `select ${column} from connectors`))).toBe('42501');
    }
    expect(
      await sqlState(tryAs(pool, ALICE, `update connectors set external_url = 'https://evil.example'`)),
    ).toBe('42501');
    expect((await sqlAs(pool, CAROL, `select * from connector_tags`)).length).toBe(3);
    expect(
      await sqlState(
        tryAs(
          pool,
          ALICE,
          `insert into connector_tags (connector_id, image_tag) select connector_id, ':v2' from connector_tags limit 1`,
        ),
      ),
    ).toBe('42501');
  });

  it('storage mappings need read, tenants need admin', async () => {
    expect(await names(ALICE, `select catalog_prefix as name from storage_mappings`)).toEqual(['aliceCo/']);
    expect(await names(BOB, `select catalog_prefix as name from storage_mappings`)).toEqual(['bobCo/']);
    expect(await names(CAROL, `select catalog_prefix as name from storage_mappings`)).toEqual(['aliceCo/']);
    expect(await names(ALICE, `select tenant as name from tenants`)).toEqual(['aliceCo/']);
    expect(await names(BOB, `select tenant as name from tenants`)).toEqual(['bobCo/']);
    expect(await names(CAROL, `select tenant as name from tenants`)).toEqual([]);
    expect(await sqlState(tryAs(pool, ALICE, `insert into tenants (tenant) values ('aliceCo2/')`))).toBe(
      '42501',
    );
  });

  it('task stats need admin of the task, and land in per-tenant partitions', async () => {
    expect(await names(ALICE, `select task_name as name from task_stats`)).toEqual([
      'aliceCo/anvils/capture',
    ]);
    expect(await names(BOB, `select task_name as name from task_stats`)).toEqual(['bobCo/task']);
    expect(await names(CAROL, `select task_name as name from task_stats`)).toEqual([]);
    const { rows } = await pool.query<{ name: string }>(
      `select tableoid::regclass::text as name from task_stats order by 1`,
    );
    expect(rows.map((r) => r.name)).toEqual([
      'task_stat_partitions."aliceCo_stats"',
      'task_stat_partitions."bobCo_stats"',
    ]);
    const { rows: owners } = await pool.query<{ owner: string }>(
      `select distinct pg_get_userbyid(c.relowner) as owner from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = 'task_stats'::regclass`,
    );
    expect(owners).toEqual([{ owner: 'stats_loader' }]);
    // Idempotent: asking again returns the existing partition.
    const { rows: again } = await pool.query<{ p: string }>(
      `select task_stat_partitions.create_partition('aliceCo/')::text as p`,
    );
    expect(again).toEqual([{ p: 'task_stat_partitions."aliceCo_stats"' }]);
    // What the agent does when it provisions a tenant, as postgres, without the function.
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query(
        `create table task_stat_partitions."carolCo_stats" partition of public.task_stats for values in ('carolCo/')`,
      );
      await client.query(`alter table task_stat_partitions."carolCo_stats" owner to stats_loader`);
      await client.query(
        `insert into task_stats (flow_document, hourstamp, shard_split, task_name, task_type)
         values ('{}', now(), '00:00:00:00:00:00:00:00', 'carolCo/t', 'capture')`,
      );
    } finally {
      await client.query('rollback');
      client.release();
    }
    const { rows: privs } = await pool.query<{ can: boolean; others: boolean }>(
      `select has_function_privilege('stats_loader', 'task_stat_partitions.create_partition(catalog_tenant)', 'execute') as can,
              has_function_privilege('authenticated', 'task_stat_partitions.create_partition(catalog_tenant)', 'execute') as others`,
    );
    expect(privs).toEqual([{ can: true, others: false }]);
  });

  it('directives are visible to admins of their prefix and to users who applied them', async () => {
    expect(await names(ACCOUNTS, `select spec->>'type' as name from directives`)).toEqual(['betaOnboard']);
    expect(await names(ALICE, `select spec->>'type' as name from directives`)).toEqual([]);
    expect(
      await names(ACCOUNTS, `select user_claims->>'requestedTenant' as name from applied_directives`),
    ).toEqual(['ops']);
    expect(await sqlAs(pool, ALICE, `select * from applied_directives`)).toEqual([]);
    expect(
      await sqlState(
        tryAs(pool, ALICE, `insert into applied_directives (directive_id) select id from directives`),
      ),
    ).toBe('42501');
  });
});
