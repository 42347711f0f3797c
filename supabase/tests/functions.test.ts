// Types, domains, ids, JSON helpers, logs, profiles, connectors' generated columns and gateway tokens.
import { jwtVerify, decodeJwt, decodeProtectedHeader } from 'jose';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';

import { useDatabase, sqlState } from './support/database.js';
import { ACCOUNTS, ALICE, BOB, CAROL, sqlAs, tryAs } from './support/sql-as.js';

let pool: pg.Pool;

useDatabase((opened) => {
  pool = opened.pool;
});

/** Whether `value` casts to the domain, or the SQLSTATE of the failure. */
async function castsTo(domain: string, value: string): Promise<true | string | undefined> {
  try {
    await pool.query(`select $1::text::${domain}`, [value]);
    return true;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('domains', () => {
  const cases: Record<string, { valid: string[]; invalid: string[] }> = {
    catalog_name: {
      valid: [
        'acmeCo/anvils',
        'a/b/c/d',
        'acme-co/an_vils.v2',
        'acmeCo/Ünïcödé',
        'acmeCo/日本語',
        'acmeCo/1',
      ],
      invalid: [
        '',
        // At least two components, as the original domain (20240101002000_original_schema_fidelity.sql).
        'acmeCo',
        'acmeCo/',
        '/acmeCo',
        'acmeCo//anvils',
        'acme Co/x',
        'acmeCo/anvils!',
        'acmeCo/a*',
        'ａｃｍｅCo/x',
        'acmeCo/ﬁ',
        'acme\u0065\u0301/x',
      ],
    },
    catalog_prefix: {
      valid: ['acmeCo/', 'acmeCo/anvils/', 'a-b_c.d/Ünï/'],
      invalid: ['', '/', 'acmeCo', 'acmeCo//', 'acmeCo/anvils', '/acmeCo/', 'acme Co/', 'ａcme/'],
    },
    catalog_tenant: {
      valid: ['acmeCo/', 'a/', 'acme-co_1.x/', 'Ünï/'],
      invalid: ['', '/', 'acmeCo', 'acmeCo/anvils/', 'acmeCo/anvils', 'acme Co/', 'ａcme/'],
    },
    json_obj: { valid: ['{}', '{"a":[1]}'], invalid: ['[]', '1', '"s"', 'null', 'true'] },
    jsonb_obj: { valid: ['{}', '{"a":{"b":null}}'], invalid: ['[]', '1', '"s"', 'null'] },
  };
  for (const [domain, { valid, invalid }] of Object.entries(cases)) {
    it(`${domain} accepts valid and rejects invalid values`, async () => {
      for (const value of valid)
        expect({ value, result: await castsTo(domain, value) }).toEqual({ value, result: true });
      // 23514: check_violation of the domain's constraint.
      for (const value of invalid)
        expect({ value, result: await castsTo(domain, value) }).toEqual({ value, result: '23514' });
    });
  }

  it('NFKC normalization is what rejects compatibility characters', async () => {
    const { rows } = await pool.query<{ n: string }>(`select normalize('acmeCo/ﬁ', nfkc) as n`);
    expect(rows[0]!.n).toBe('acmeCo/fi');
    expect(await castsTo('catalog_name', rows[0]!.n)).toBe(true);
  });

  it('grant_capability is ordered read < write < admin, with placeholders between', async () => {
    const { rows } = await pool.query<{ ok: boolean; n: number }>(
      `select 'read'::grant_capability < 'write' and 'write'::grant_capability < 'admin'
              and 'x_11'::grant_capability between 'read' and 'write' as ok,
              array_length(enum_range(null::grant_capability), 1) as n`,
    );
    expect(rows).toEqual([{ ok: true, n: 31 }]);
  });
});

describe('internal.id_generator', () => {
  it('renders as 8 lower-case hex bytes and encodes the current time', async () => {
    const { rows } = await pool.query<{ json: string; millis: string; now_millis: string; shard: number }>(
      `with g as (select internal.id_generator() as id)
       select to_json(id)::text as json,
              (('x' || replace(id::text, ':', ''))::bit(64)::bigint >> 23) + 1600000000000 as millis,
              floor(extract(epoch from clock_timestamp()) * 1000)::bigint as now_millis,
              (('x' || replace(id::text, ':', ''))::bit(64)::bigint & 1023)::int as shard
       from g`,
    );
    const row = rows[0]!;
    expect(row.json).toMatch(/^"([0-9a-f]{2}:){7}[0-9a-f]{2}"$/);
    expect(Math.abs(Number(row.now_millis) - Number(row.millis))).toBeLessThan(5_000);
    expect(row.shard).toBe(0);
  });

  it('ids generated later compare greater', async () => {
    const { rows } = await pool.query<{ ordered: boolean; n: number }>(
      `with g as (select n, internal.id_generator() as id from generate_series(1, 2000) n)
       select bool_and(id > prev) as ordered, count(*)::int as n
       from (select id, lag(id) over (order by n) as prev from g) s where prev is not null`,
    );
    expect(rows).toEqual([{ ordered: true, n: 1999 }]);
    const first = (await pool.query<{ id: string }>(`select internal.id_generator()::text as id`)).rows[0]!
      .id;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = (
      await pool.query<{ later: boolean }>(`select internal.id_generator() > $1::flowid as later`, [first])
    ).rows[0]!;
    expect(second.later).toBe(true);
  });

  it('ids are unique under concurrency', async () => {
    const workers = 8;
    const perWorker = 400;
    const batches = await Promise.all(
      Array.from({ length: workers }, () =>
        pool.query<{ id: string }>(`select internal.id_generator()::text as id from generate_series(1, $1)`, [
          perWorker,
        ]),
      ),
    );
    const all = batches.flatMap((b) => b.rows.map((r) => r.id));
    expect(all).toHaveLength(workers * perWorker);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('JSON merge patch and diff', () => {
  const patch = async (target: unknown, p: unknown): Promise<unknown> =>
    (
      await pool.query<{ r: unknown }>(`select internal.jsonb_merge_patch($1::jsonb, $2::jsonb) as r`, [
        JSON.stringify(target),
        JSON.stringify(p),
      ])
    ).rows[0]!.r;
  const diff = async (target: unknown, source: unknown): Promise<unknown> =>
    (
      await pool.query<{ r: unknown }>(`select internal.jsonb_merge_diff($1::jsonb, $2::jsonb) as r`, [
        target === undefined ? null : JSON.stringify(target),
        source === undefined ? null : JSON.stringify(source),
      ])
    ).rows[0]!.r;

  it('applies the RFC 7396 examples (appendix A)', async () => {
    // [target, patch, result]; a JSON null result comes back as SQL NULL (the location is removed).
    const examples: [unknown, unknown, unknown][] = [
      [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
      [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
      [{ a: 'b' }, { a: null }, {}],
      [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
      [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
      [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
      [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
      [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
      [
        ['a', 'b'],
        ['c', 'd'],
        ['c', 'd'],
      ],
      [{ a: 'b' }, ['c'], ['c']],
      [{ a: 'foo' }, null, null],
      [{ a: 'foo' }, 'bar', 'bar'],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [[1, 2], { a: 'b', c: null }, { a: 'b' }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [target, p, result] of examples) {
      expect({ target, p, got: await patch(target, p) }).toEqual({ target, p, got: result });
    }
    // SQL NULL as the patch changes nothing; arrays with nulls inside are values, kept as they are.
    expect(
      (await pool.query<{ r: unknown }>(`select internal.jsonb_merge_patch('{"a":1}', null) as r`)).rows[0]!
        .r,
    ).toEqual({ a: 1 });
    expect(await patch({ a: 1 }, { a: [null, { b: null }] })).toEqual({ a: [null, { b: null }] });
  });

  it('diffs produce the patch from source to target, and SQL NULL when equal', async () => {
    expect(await diff({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 2] } })).toBeNull();
    expect(await diff({ a: 1, b: 2 }, { a: 1 })).toEqual({ b: 2 });
    expect(await diff({ a: 1 }, { a: 1, b: 2 })).toEqual({ b: null });
    expect(await diff({ a: { b: 1, c: 2 } }, { a: { b: 1, c: 3, d: 4 } })).toEqual({ a: { c: 2, d: null } });
    expect(await diff({ a: [1, 2] }, { a: [1] })).toEqual({ a: [1, 2] });
    expect(await diff({ a: 'x' }, { a: { b: 1 } })).toEqual({ a: 'x' });
    expect(await diff({ a: { b: 1 } }, 'scalar')).toEqual({ a: { b: 1 } });
    // A location cannot be patched into JSON null: it is removed instead.
    expect(await diff({ a: null }, { a: 1 })).toEqual({ a: null });
    // pg parses both JSON null and SQL NULL to null: tell them apart in SQL.
    const { rows } = await pool.query<{ removed: string | null; unchanged: boolean }>(
      `select internal.jsonb_merge_diff(null, '{"a":1}')::text as removed, internal.jsonb_merge_diff(null, null) is null as unchanged`,
    );
    expect(rows).toEqual([{ removed: 'null', unchanged: true }]);
  });

  it('patching the source with the diff yields the target', async () => {
    const pairs: [unknown, unknown][] = [
      [
        { a: 1, b: { c: 'x', d: [1, { e: 2 }] } },
        { a: 2, b: { c: 'y', f: true } },
      ],
      [{ nested: { deep: { deeper: 1 } } }, { nested: { deep: { deeper: 2, other: 3 }, gone: 1 } }],
      [{ list: [] }, { list: [1, 2, 3], x: 'y' }],
      [{}, { a: 1, b: 2 }],
      [{ a: 1, b: 2 }, {}],
    ];
    for (const [target, source] of pairs) {
      const d = await diff(target, source);
      expect(d).not.toBeNull();
      expect(await patch(source, d)).toEqual(target);
    }
  });
});

describe('view_logs', () => {
  it('returns the lines of one token only, in order, and only to signed-in callers', async () => {
    const { rows } = await pool.query<{ a: string; b: string }>(
      `select gen_random_uuid()::text as a, gen_random_uuid()::text as b`,
    );
    const { a, b } = rows[0]!;
    await pool.query(
      `insert into internal.log_lines (token, stream, log_line, logged_at) values
         ($1, 'build:1', 'second', now()), ($1, 'build:2', 'first', now() - interval '1 second'), ($2, 'build:1', 'other job', now())`,
      [a, b],
    );
    const lines = await sqlAs<{ log_line: string; stream: string; token: string }>(
      pool,
      BOB,
      `select log_line, stream, token::text from view_logs($1)`,
      [a],
    );
    expect(lines).toEqual([
      { log_line: 'first', stream: 'build:2', token: a },
      { log_line: 'second', stream: 'build:1', token: a },
    ]);
    expect(await sqlAs(pool, BOB, `select * from view_logs(gen_random_uuid())`)).toEqual([]);
    expect(await sqlState(tryAs(pool, BOB, `select * from internal.log_lines`))).toBe('42501');
    expect(await sqlState(tryAs(pool, 'anon', `select * from view_logs($1)`, [a]))).toBe('42501');
  });
});

describe('view_user_profile', () => {
  it('reads name and avatar from user metadata', async () => {
    expect(await sqlAs(pool, BOB, `select * from view_user_profile($1)`, [ALICE.id])).toEqual([
      { user_id: ALICE.id, email: ALICE.email, full_name: 'Alice', avatar_url: null },
    ]);
    const profile = await sqlAs(
      pool,
      BOB,
      `select full_name, avatar_url from view_user_profile($1)`,
      [CAROL.id],
      {
        rollback: true,
        prepare: (c) =>
          c.query(
            `update auth.users set raw_user_meta_data = '{"name":"C. Arol","picture":"https://x/c.png"}' where id = $1`,
            [CAROL.id],
          ),
      },
    );
    expect(profile).toEqual([{ full_name: 'C. Arol', avatar_url: 'https://x/c.png' }]);
  });
});

describe('connectors', () => {
  it('derive open graph, title, description, logo and recommended from raw merged with the patch', async () => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query(
        `insert into connectors (image_name, external_url, open_graph_raw, open_graph_patch) values
           ('example.com/connectors/source-x', 'https://x.example',
            '{"en-US":{"title":"Raw","description":"Raw description","image":"https://x/raw.png"},"de-DE":{"title":"Roh"}}',
            '{"en-US":{"title":"Patched","recommended":"True"},"de-DE":null}')
         returning open_graph, title, short_description, logo_url, recommended`,
      );
      expect(rows[0]).toEqual({
        open_graph: {
          'en-US': {
            title: 'Patched',
            description: 'Raw description',
            image: 'https://x/raw.png',
            recommended: 'True',
          },
        },
        title: { 'en-US': 'Patched' },
        short_description: { 'en-US': 'Raw description' },
        logo_url: { 'en-US': 'https://x/raw.png' },
        recommended: true,
      });
      // A title in other languages only violates "must have en-US"; a tagged image name is rejected.
      await client.query('savepoint s');
      await expect(
        client.query(
          `update connectors set open_graph_patch = '{"en-US":{"title":null},"fr-FR":{"title":"Titre"}}' where image_name = 'example.com/connectors/source-x'`,
        ),
      ).rejects.toMatchObject({ code: '23514' });
      await client.query('rollback to savepoint s');
      await expect(
        client.query(
          `insert into connectors (image_name, external_url) values ('ghcr.io/estuary/source-x:v1', 'https://x')`,
        ),
      ).rejects.toMatchObject({ code: '23514' });
      await client.query('rollback to savepoint s');
      await expect(
        client.query(
          `insert into connector_tags (connector_id, image_tag) select id, 'v1' from connectors limit 1`,
        ),
      ).rejects.toMatchObject({ code: '23514' });
    } finally {
      await client.query('rollback');
      client.release();
    }
  });
});

describe('gateway_auth_token', () => {
  async function key(): Promise<Uint8Array> {
    const { rows } = await pool.query<{ secret_key: string }>(
      `select secret_key from internal.gateway_auth_keys order by id desc limit 1`,
    );
    return new TextEncoder().encode(rows[0]!.secret_key);
  }

  it('signs an HS256 JWT for the requested prefixes the caller may read, valid for one hour', async () => {
    const [row] = await sqlAs<{ token: string; gateway_url: string }>(
      pool,
      ALICE,
      `select * from gateway_auth_token($1, $2, $3, $4, $1)`,
      ['aliceCo/anvils', 'bobCo/', 'bobCo/shared/gizmos', 'estuary/public/'],
    );
    const { rows: endpoints } = await pool.query<{ url: string }>(
      `select url from internal.gateway_endpoints order by id desc limit 1`,
    );
    expect(row!.gateway_url).toBe(endpoints[0]!.url);
    expect(decodeProtectedHeader(row!.token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const { payload } = await jwtVerify(row!.token, await key(), { algorithms: ['HS256'] });
    expect(payload).toMatchObject({
      sub: ALICE.id,
      operation: 'read',
      prefixes: ['aliceCo/anvils', 'bobCo/shared/gizmos', 'estuary/public/'],
    });
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(60);
    await expect(jwtVerify(row!.token, new TextEncoder().encode('not-the-key'))).rejects.toThrow();
  });

  it('keeps nothing the caller cannot read, and uses the newest key', async () => {
    const [carol] = await sqlAs<{ token: string }>(
      pool,
      CAROL,
      `select token from gateway_auth_token('aliceCo/', 'bobCo/', 'ops/aliceCo/')`,
    );
    expect(decodeJwt(carol!.token).prefixes).toEqual(['aliceCo/']);
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query(
        `insert into internal.gateway_auth_keys (secret_key) values ('a-key-the-app-chose')`,
      );
      await client.query(`set local role authenticated`);
      await client.query(`select set_config('request.jwt.claims', $1, true)`, [
        JSON.stringify({ sub: BOB.id, role: 'authenticated' }),
      ]);
      const { rows } = await client.query<{ token: string }>(
        `select token from gateway_auth_token('bobCo/', 'aliceCo/')`,
      );
      const { payload } = await jwtVerify(rows[0]!.token, new TextEncoder().encode('a-key-the-app-chose'));
      expect(payload).toMatchObject({ sub: BOB.id, prefixes: ['bobCo/'] });
    } finally {
      await client.query('rollback');
      client.release();
    }
  });
});

describe('seed', () => {
  it('creates confirmed users that Supabase Auth can sign in with "password"', async () => {
    const { rows } = await pool.query(
      `select u.id::text, u.email, u.aud, u.role, u.instance_id::text,
              u.encrypted_password like '$2a$%' as bcrypt,
              u.encrypted_password = extensions.crypt('password', u.encrypted_password) as password_ok,
              u.encrypted_password = extensions.crypt('Password', u.encrypted_password) as wrong_ok,
              u.email_confirmed_at is not null as confirmed,
              array[u.confirmation_token, u.recovery_token, u.email_change_token_new, u.email_change,
                    u.email_change_token_current, u.phone_change, u.phone_change_token, u.reauthentication_token]
                = array_fill(''::varchar, array[8]) as empty_tokens,
              i.provider, i.provider_id, i.identity_data->>'sub' as identity_sub, i.email as identity_email
       from auth.users u left join auth.identities i on i.user_id = u.id order by u.email`,
    );
    const expected = [ACCOUNTS, ALICE, BOB, CAROL].sort((a, b) => a.email.localeCompare(b.email));
    expect(rows).toEqual(
      expected.map((u) => ({
        id: u.id,
        email: u.email,
        aud: 'authenticated',
        role: 'authenticated',
        instance_id: '00000000-0000-0000-0000-000000000000',
        bcrypt: true,
        password_ok: true,
        wrong_ok: false,
        confirmed: true,
        empty_tokens: true,
        provider: 'email',
        provider_id: u.id,
        identity_sub: u.id,
        identity_email: u.email,
      })),
    );
  });

  it('creates the three connectors with a queued :v1 tag each, and the seeded grants and mappings', async () => {
    const { rows } = await pool.query(
      `select c.image_name, c.external_url, t.image_tag, t.job_status from connectors c join connector_tags t on t.connector_id = c.id order by 1`,
    );
    expect(rows).toEqual([
      {
        image_name: 'ghcr.io/estuary/materialize-postgres',
        external_url: 'https://postgresql.org',
        image_tag: ':v1',
        job_status: { type: 'queued' },
      },
      {
        image_name: 'ghcr.io/estuary/source-hello-world',
        external_url: 'https://estuary.dev',
        image_tag: ':v1',
        job_status: { type: 'queued' },
      },
      {
        image_name: 'ghcr.io/estuary/source-postgres',
        external_url: 'https://postgresql.org',
        image_tag: ':v1',
        job_status: { type: 'queued' },
      },
    ]);
    const [hello] = (
      await pool.query<{ short_description: unknown }>(
        `select short_description from connectors where image_name = 'ghcr.io/estuary/source-hello-world'`,
      )
    ).rows;
    expect(hello).toEqual({ short_description: { 'en-US': 'A flood of greetings' } });
    // Every seeded tenant can publish: its prefix and recovery prefix have storage mappings.
    const { rows: uncovered } = await pool.query(
      `select t.tenant, p.prefix from tenants t cross join lateral (values (t.tenant::text), ('recovery/' || t.tenant)) p (prefix)
       where not exists (select 1 from storage_mappings m where m.catalog_prefix = p.prefix)`,
    );
    expect(uncovered).toEqual([]);
  });
});

describe('live_specs', () => {
  it('upserts by catalog name, as the agent does when it starts a publication', async () => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const upsert = `insert into live_specs (catalog_name, last_build_id, last_pub_id)
                      values ('aliceCo/upserted', internal.id_generator(), internal.id_generator())
                      on conflict (catalog_name) do nothing returning id`;
      expect((await client.query(upsert)).rowCount).toBe(1);
      expect((await client.query(upsert)).rowCount).toBe(0);
      // Names are unique exactly, not case-insensitively.
      await expect(
        client.query(`insert into live_specs (catalog_name, last_build_id, last_pub_id)
                      values ('aliceCo/upserted', '00:00:00:00:00:00:00:01', '00:00:00:00:00:00:00:01')`),
      ).rejects.toMatchObject({ code: '23505' });
    } finally {
      await client.query('rollback');
      client.release();
    }
  });
});

describe('view_logs ordering', () => {
  it('keeps lines of one transaction in insertion order', async () => {
    const { rows } = await pool.query<{ t: string }>(`select gen_random_uuid()::text as t`);
    const token = rows[0]!.t;
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i}`);
    await pool.query(
      `insert into internal.log_lines (token, stream, log_line) select $1, 'agent', l from unnest($2::text[]) l`,
      [token, lines],
    );
    const got = await sqlAs<{ log_line: string }>(pool, ALICE, `select log_line from view_logs($1)`, [token]);
    expect(got.map((r) => r.log_line)).toEqual(lines);
  });
});
