import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startApiTestEnv, type ApiTestEnv, type Client } from './api-test-env.js';
import { FIDELITY_SQL } from './fidelity-fixtures.js';
import { runSql } from './rest-fixtures.js';

/** `.maxAffected(n)`, which supabase-js's types offer only to clients declared for PostgREST 13. */
function maxAffected<T>(builder: T, rows: number): T {
  return (builder as unknown as { maxAffected(rows: number): T }).maxAffected(rows);
}

// Answers that used to differ from PostgREST 12 (or 13, for what supabase-js already sends), each through
// supabase-js. Expected bodies, codes and headers are PostgREST's own (test/spec/Feature/... in
// PostgREST/postgrest), not this server's.
describe('REST fidelity: logic trees, preferences, defaults', () => {
  let env: ApiTestEnv;
  let sb: Client;
  const rest = (): string => `${env.server.url}/rest/v1`;
  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({
    apikey: env.anonKey,
    ...extra,
  });

  beforeAll(async () => {
    env = await startApiTestEnv();
    await runSql(env.db.url, FIDELITY_SQL);
    await env.server.reloadSchema();
    sb = env.client();
  });
  afterAll(async () => {
    await env?.stop();
  });
  const resetItems = (): Promise<void> =>
    runSql(
      env.db.url,
      `truncate items restart identity cascade; insert into items (name) select 'item ' || i from generate_series(1, 15) i;`,
    );

  // PostgREST 12 tells an upsert that inserted a row (201) from one that only updated (200) by a transaction-local
  // counter the INSERT's SELECT and its DO UPDATE bump (QueryBuilder.hs mutatePlanToQuery, addConfigPgrstInserted;
  // Response.hs isInsertIfGTZero), not by the system column xmax: that needs table-level SELECT, and a view has none.
  describe('merge upserts with column-level grants and into views', () => {
    let user: Client;
    const SQL = `
      create table col_grants (id int primary key, name text, secret text default 'hidden');
      revoke all on col_grants from anon, authenticated;
      grant select (id, name), insert (id, name), update (id, name) on col_grants to authenticated;
      create table view_base (id int primary key, name text, note text default 'base');
      create view view_items as select id, name from view_base;
      grant select, insert, update on view_items to anon, authenticated;
      create table no_pk (a text, b text);
      grant select, insert on no_pk to anon, authenticated;
    `;
    const reset = (): Promise<void> =>
      runSql(
        env.db.url,
        `truncate col_grants, view_base, no_pk; insert into col_grants (id, name) values (1, 'one'), (2, 'two');
         insert into view_base (id, name) values (1, 'one'), (2, 'two');`,
      );

    beforeAll(async () => {
      await runSql(env.db.url, SQL);
      await env.server.reloadSchema();
      user = await env.signedIn('alice@example.com');
    });
    beforeEach(reset);

    const rowsOf = async (table: string): Promise<unknown> =>
      (await env.client(env.serviceKey).from(table).select('id, name').order('id')).data;

    it('answers 200 when every row was updated and 201 when any was inserted (return=minimal)', async () => {
      const updated = await user.from('col_grants').upsert([
        { id: 1, name: 'uno' },
        { id: 2, name: 'dos' },
      ]);
      expect(updated.error).toBeNull();
      expect(updated.status).toBe(200);
      const mixed = await user.from('col_grants').upsert([
        { id: 2, name: 'zwei' },
        { id: 3, name: 'drei' },
      ]);
      expect(mixed.error).toBeNull();
      expect(mixed.status).toBe(201);
      expect(await rowsOf('col_grants')).toEqual([
        { id: 1, name: 'uno' },
        { id: 2, name: 'zwei' },
        { id: 3, name: 'drei' },
      ]);
    });

    it('returns the granted columns with return=representation, 200 or 201 by the same rule', async () => {
      const updated = await user.from('col_grants').upsert({ id: 1, name: 'uno' }).select('id, name');
      expect(updated).toMatchObject({ error: null, status: 200, data: [{ id: 1, name: 'uno' }] });
      const inserted = await user
        .from('col_grants')
        .upsert(
          [
            { id: 1, name: 'eins' },
            { id: 4, name: 'vier' },
          ],
          { onConflict: 'id' },
        )
        .select('name');
      expect(inserted).toMatchObject({
        error: null,
        status: 201,
        data: [{ name: 'eins' }, { name: 'vier' }],
      });
      // A column the role may not read stays denied, as under PostgREST.
      const denied = await user.from('col_grants').upsert({ id: 1, name: 'x' }).select('secret');
      expect(denied.error?.code).toBe('42501');
      expect(denied.status).toBe(403);
    });

    it('answers 200 to an empty merge upsert (nothing inserted), 201 to an empty insert', async () => {
      // PostgREST 12's UpsertSpec "succeeds when the payload has no elements": 200, nothing was inserted.
      expect(await user.from('col_grants').upsert([]).select('id')).toMatchObject({
        error: null,
        status: 200,
        data: [],
      });
      expect((await user.from('col_grants').upsert([])).status).toBe(200);
      expect((await user.from('col_grants').upsert([], { ignoreDuplicates: true })).status).toBe(201);
      expect((await user.from('col_grants').insert([])).status).toBe(201);
    });

    it('ignores the resolution on a table with no primary key and no on_conflict: a plain insert, 201', async () => {
      // PostgREST 12's UpsertSpec "succeeds and ignores the Prefer: resolution header (no Preference-Applied
      // present) if the table has no PK".
      const res = await fetch(`${rest()}/no_pk`, {
        method: 'POST',
        headers: headers({
          'Content-Type': 'application/json',
          Prefer: 'return=representation, resolution=merge-duplicates',
        }),
        body: JSON.stringify([{ a: '1', b: '0' }]),
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('preference-applied')).toBe('return=representation');
      expect(await res.json()).toEqual([{ a: '1', b: '0' }]);
      // Nothing to conflict on: the same row again is a second row.
      const again = await sb.from('no_pk').upsert({ a: '1', b: '0' });
      expect(again).toMatchObject({ error: null, status: 201 });
      expect((await env.client(env.serviceKey).from('no_pk').select('a, b')).data).toEqual([
        { a: '1', b: '0' },
        { a: '1', b: '0' },
      ]);
    });

    it('upserts into an auto-updatable view by the key of the table it shows, 200 or 201', async () => {
      const updated = await sb.from('view_items').upsert({ id: 1, name: 'uno' }).select();
      expect(updated).toMatchObject({ error: null, status: 200, data: [{ id: 1, name: 'uno' }] });
      const mixed = await sb.from('view_items').upsert([
        { id: 2, name: 'dos' },
        { id: 3, name: 'tres' },
      ]);
      expect(mixed.error).toBeNull();
      expect(mixed.status).toBe(201);
      expect(await rowsOf('view_items')).toEqual([
        { id: 1, name: 'uno' },
        { id: 2, name: 'dos' },
        { id: 3, name: 'tres' },
      ]);
    });
  });

  describe('or= and and= trees are parenthesised at every level', () => {
    const names = async (
      q: PromiseLike<{ data: { username: string }[] | null; error: unknown }>,
    ): Promise<string[]> => {
      const { data, error } = await q;
      expect(error).toBeNull();
      return (data ?? []).map((r) => r.username).sort();
    };

    it('a top-level or= stays inside the AND of the other filters', async () => {
      // dlymon is OFFLINE: `status=eq.ONLINE AND (a OR b)` must not return him.
      expect(
        await names(
          sb
            .from('users')
            .select('username')
            .eq('status', 'ONLINE')
            .or('username.eq.awailas,username.eq.dlymon'),
        ),
      ).toEqual(['awailas']);
      expect(
        await names(
          sb
            .from('users')
            .select('username')
            .eq('status', 'ONLINE')
            .or('username.eq.dlymon,and(username.eq.supabot,age.gt.40)'),
        ),
      ).toEqual(['supabot']);
    });

    it('not.or and nested not.or / and keep their grouping', async () => {
      const res = await fetch(
        `${rest()}/users?select=username&status=eq.ONLINE&not.or=(username.eq.awailas,username.eq.supabot)`,
        { headers: headers() },
      );
      expect(await res.json()).toEqual([{ username: 'kiwicopple' }]);
      expect(
        await names(
          sb
            .from('users')
            .select('username')
            .gt('age', 25)
            .or('not.or(username.eq.dlymon,username.eq.kiwicopple),username.eq.awailas'),
        ),
      ).toEqual(['supabot']);
      expect(
        await names(
          sb
            .from('users')
            .select('username')
            .or('and(status.eq.ONLINE,or(age.lt.25,age.gt.45)),username.eq.dlymon')
            .neq('username', 'supabot'),
        ),
      ).toEqual(['awailas', 'dlymon']);
    });

    it("an embed's or= filters only that parent's children", async () => {
      const { data, error } = await sb
        .from('channels')
        .select('slug, messages(id)')
        .or('id.eq.1,id.eq.2', { referencedTable: 'messages' })
        .order('id')
        .order('id', { referencedTable: 'messages' });
      expect(error).toBeNull();
      expect(data).toEqual([
        { slug: 'public', messages: [{ id: 1 }] },
        { slug: 'random', messages: [{ id: 2 }] },
        { slug: 'other', messages: [] },
      ]);
      const inner = await sb
        .from('channels')
        .select('slug, messages!inner(id)')
        .or('username.eq.awailas,and(username.eq.supabot,id.gt.1)', { referencedTable: 'messages' })
        .order('id');
      expect(inner.data).toEqual([
        { slug: 'public', messages: [{ id: 3 }] },
        { slug: 'random', messages: [{ id: 2 }] },
      ]);
    });
  });

  it('leaves out embeds that output nothing, nested ones too, while they still filter', async () => {
    const empty = await sb.from('channels').select('slug, messages()').order('id');
    expect(empty.data).toEqual([{ slug: 'public' }, { slug: 'random' }, { slug: 'other' }]);
    const nested = await sb.from('channels').select('slug, messages(users())').order('id');
    expect(nested.data).toEqual([{ slug: 'public' }, { slug: 'random' }, { slug: 'other' }]);
    const inner = await sb.from('channels').select('slug, messages!inner(users())').eq('messages.id', 4);
    expect(inner.data).toEqual([{ slug: 'other' }]);
    const partly = await sb.from('channels').select('slug, messages(id, users())').eq('id', 3);
    expect(partly.data).toEqual([{ slug: 'other', messages: [{ id: 4 }] }]);
  });

  describe('JSON paths as PostgREST writes them (JsonOperatorSpec)', () => {
    beforeAll(async () => {
      await runSql(
        env.db.url,
        `create type complex as (r double precision, i double precision);
         create table fav_numbers (num complex, person text);
         create table arrays (id int primary key, numbers int[], numbers_mult int[][]);
         create table json_arr (id int primary key, data json);
         grant select on fav_numbers, arrays, json_arr to anon;
         insert into fav_numbers values ((0.5, 0.5), 'A'), ((0.6, 0.6), 'B');
         insert into arrays values (0, '{1,2,3}', '{{1,2,3},{4,5,6},{7,8,9}}'),
           (1, '{11,12,13}', '{{11,12,13},{14,15,16},{17,18,19}}');
         insert into json_arr values (1, '[1, 2, 3]'), (2, '[4, 5, 6]'),
           (5, '[{"a": "A"}, {"b": "B"}]'), (6, '[{"a": [1,2,3]}, {"b": [4,5]}]');`,
      );
      await env.server.reloadSchema();
    });
    const get = async (path: string): Promise<unknown> => {
      const res = await fetch(`${rest()}/${path}`, { headers: headers() });
      expect(res.status, path).toBe(200);
      return res.json();
    };

    it('names a path after its last key, or the column when it ends in indexes', async () => {
      expect(await get('json_arr?select=data->>0::int&id=in.(1,2)&order=id')).toEqual([
        { data: 1 },
        { data: 4 },
      ]);
      expect(await get('json_arr?select=data->0->>a&id=in.(5,6)&order=id')).toEqual([
        { a: 'A' },
        { a: '[1,2,3]' },
      ]);
      const { data } = await sb.from('json_arr').select('data->0->a->1').in('id', [5, 6]).order('id');
      expect(data).toEqual([{ a: null }, { a: 2 }]);
    });

    it('reads, filters and orders composite fields and array items (through to_jsonb)', async () => {
      expect(await get('fav_numbers?select=num->i&order=person')).toEqual([{ i: 0.5 }, { i: 0.6 }]);
      expect(await get('fav_numbers?select=num->>i&order=person')).toEqual([{ i: '0.5' }, { i: '0.6' }]);
      expect(await get('fav_numbers?select=person&num->>i=gt.0.5')).toEqual([{ person: 'B' }]);
      expect(await get('fav_numbers?select=person&order=num->>i.desc')).toEqual([
        { person: 'B' },
        { person: 'A' },
      ]);
      const items = await sb
        .from('arrays')
        .select('a:numbers->0,b:numbers->1,c:numbers_mult->0->0,d:numbers_mult->1->2')
        .order('id');
      expect(items.error).toBeNull();
      expect(items.data).toEqual([
        { a: 1, b: 2, c: 1, d: 6 },
        { a: 11, b: 12, c: 11, d: 16 },
      ]);
      expect(await get('arrays?select=numbers->>0&order=id')).toEqual([{ numbers: '1' }, { numbers: '11' }]);
      expect(await get('arrays?select=id&numbers->0=eq.1')).toEqual([{ id: 0 }]);
      expect(await get('arrays?select=id&numbers_mult->2->>2=eq.19')).toEqual([{ id: 1 }]);
      expect(await get('arrays?select=id&order=numbers->0.desc')).toEqual([{ id: 1 }, { id: 0 }]);
      // A path into a plain value is NULL, not an error (to_jsonb of a string has no keys).
      expect(await get('users?select=username&username->>x=eq.1')).toEqual([]);
    });
  });

  describe('Prefer: max-affected with handling=strict', () => {
    beforeEach(resetItems);
    const count = async (): Promise<number> =>
      (await sb.from('items').select('*', { count: 'exact', head: true })).count ?? -1;

    it('refuses a DELETE or PATCH that affects more rows (PGRST124) and rolls it back', async () => {
      const del = await maxAffected(sb.from('items').delete().lt('id', 15), 10);
      expect(del.status).toBe(400);
      expect(del.error).toEqual({
        code: 'PGRST124',
        details: 'The query affects 14 rows',
        hint: null,
        message: 'Query result exceeds max-affected preference constraint',
      });
      expect(await count()).toBe(15);
      const patch = await maxAffected(sb.from('items').update({ name: 'changed' }).gt('id', 0), 1).select();
      expect(patch.error?.code).toBe('PGRST124');
      expect((await sb.from('items').select('id').eq('name', 'changed')).data).toEqual([]);
    });

    it('allows it within the limit and reports it as applied', async () => {
      const res = await fetch(`${rest()}/items?id=lt.10`, {
        method: 'DELETE',
        headers: headers({ Prefer: 'handling=strict, max-affected=10' }),
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('preference-applied')).toBe('handling=strict, max-affected=10');
      expect(await count()).toBe(6);
    });

    it('is neither enforced nor reported with handling=lenient', async () => {
      const res = await fetch(`${rest()}/items?id=lt.15`, {
        method: 'DELETE',
        headers: headers({ Prefer: 'handling=lenient, max-affected=10' }),
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('preference-applied')).toBe('handling=lenient');
      expect(await count()).toBe(1);
    });

    it('applies to RPC results (PGRST124) and refuses functions that return one value (PGRST128)', async () => {
      const setof = await maxAffected(sb.rpc('delete_items_returns_setof'), 10);
      expect(setof.status).toBe(400);
      expect(setof.error).toMatchObject({ code: 'PGRST124', details: 'The query affects 15 rows' });
      expect(await count()).toBe(15);
      const within = await maxAffected(sb.rpc('delete_items_returns_setof'), 20);
      expect(within.error).toBeNull();
      expect(within.data).toHaveLength(15);
      const voided = await maxAffected(sb.rpc('delete_items_returns_void'), 20);
      expect(voided.status).toBe(400);
      expect(voided.error).toEqual({
        code: 'PGRST128',
        details: null,
        hint: null,
        message:
          'Function must return SETOF or TABLE when max-affected preference is used with handling=strict',
      });
    });
  });

  describe('limited updates and deletes (PostgREST 12; dropped in 13)', () => {
    beforeEach(resetItems);
    const names = async (): Promise<string[]> =>
      ((await sb.from('items').select('name').order('id').limit(4)).data ?? []).map(
        (r: { name: string }) => r.name,
      );

    it('changes only the ordered slice that limit and offset select', async () => {
      const res = await fetch(`${rest()}/items?order=id&limit=1&offset=1`, {
        method: 'PATCH',
        headers: headers({ 'Content-Type': 'application/json' }),
        body: JSON.stringify({ name: 'updated-item' }),
      });
      expect(res.status).toBe(204);
      expect(await names()).toEqual(['item 1', 'updated-item', 'item 3', 'item 4']);
      const upd = await sb
        .from('items')
        .update({ name: 'top two' })
        .gt('id', 2)
        .order('id', { ascending: false })
        .limit(2)
        .select('id');
      expect(upd.error).toBeNull();
      expect((upd.data as { id: number }[]).map((r) => r.id).sort((a, b) => a - b)).toEqual([14, 15]);
      const del = await sb.from('items').delete().lt('id', 10).order('id').limit(3).select('id');
      expect(del.error).toBeNull();
      expect((del.data as { id: number }[]).map((r) => r.id).sort((a, b) => a - b)).toEqual([1, 2, 3]);
      expect((await sb.from('items').select('*', { count: 'exact', head: true })).count).toBe(12);
    });

    it('refuses a limit without an order (PGRST109) and changes nothing', async () => {
      const res = await fetch(`${rest()}/items?id=gt.0&limit=1`, {
        method: 'DELETE',
        headers: headers(),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        code: 'PGRST109',
        details: null,
        hint: "Apply an 'order' using unique column(s)",
        message: "A 'limit' was applied without an explicit 'order'",
      });
      expect((await sb.from('items').select('*', { count: 'exact', head: true })).count).toBe(15);
    });
  });

  describe('Prefer: tx=commit|rollback for every kind of request', () => {
    beforeEach(resetItems);
    const ghosts = async (): Promise<unknown[]> =>
      (await sb.from('items').select('id').like('name', 'ghost%')).data ?? [];

    it('rolls back RPC calls (set and scalar results, POST and GET) after answering', async () => {
      const set = await sb.rpc('insert_item', { name: 'ghost 1' }).rollback();
      expect(set.error).toBeNull();
      expect((set.data as { name: string }[]).map((r) => r.name)).toEqual(['ghost 1']);
      const scalar = await sb.rpc('insert_item_scalar', { name: 'ghost 2' }).rollback();
      expect(scalar.error).toBeNull();
      expect(typeof scalar.data).toBe('number');
      expect(await ghosts()).toEqual([]);
      const res = await fetch(`${rest()}/rpc/insert_item`, {
        method: 'POST',
        headers: headers({ 'Content-Type': 'application/json', Prefer: 'tx=rollback' }),
        body: JSON.stringify({ name: 'ghost 3' }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('preference-applied')).toBe('tx=rollback');
      expect(await ghosts()).toEqual([]);
      const got = await fetch(`${rest()}/rpc/items_named?pattern=item%201`, {
        headers: headers({ Prefer: 'tx=rollback' }),
      });
      expect(got.headers.get('preference-applied')).toBe('tx=rollback');
      expect(await got.json()).toEqual([{ id: 1, name: 'item 1' }]);
    });

    it('rolls back inserts, updates and deletes; commits with tx=commit', async () => {
      const ins = await sb.from('items').insert({ name: 'ghost 4' }).select('name').rollback();
      expect(ins.data).toEqual([{ name: 'ghost 4' }]);
      const upd = await sb.from('items').update({ name: 'ghost 5' }).eq('id', 1).select('name').rollback();
      expect(upd.data).toEqual([{ name: 'ghost 5' }]);
      const del = await sb.from('items').delete().eq('id', 2).select('id').rollback();
      expect(del.data).toEqual([{ id: 2 }]);
      expect(await ghosts()).toEqual([]);
      expect((await sb.from('items').select('id').eq('id', 2)).data).toEqual([{ id: 2 }]);
      const res = await fetch(`${rest()}/items?select=id&id=eq.1`, {
        headers: headers({ Prefer: 'tx=commit' }),
      });
      expect(res.headers.get('preference-applied')).toBe('tx=commit');
    });
  });

  describe('Prefer: missing=default (defaultToNull: false)', () => {
    it('gives omitted identity and serial columns their default', async () => {
      const msgs = await sb
        .from('messages')
        .insert(
          [
            { message: 'no id', username: 'supabot', channel_id: 1 },
            { id: 100, message: 'with id', channel_id: 1 },
          ],
          { defaultToNull: false },
        )
        .select('id, message, username');
      expect(msgs.error).toBeNull();
      const rows = msgs.data as { id: number; message: string; username: string | null }[];
      expect(rows.map((r) => [r.message, r.username])).toEqual([
        ['no id', 'supabot'],
        ['with id', null],
      ]);
      expect(rows[0]!.id).toBeLessThan(100);
      expect(rows[1]!.id).toBe(100);
      const items = await sb
        .from('items')
        .insert([{ name: 'serial a' }, { id: 500, name: 'serial b' }], { defaultToNull: false })
        .select('id, name');
      expect(items.error).toBeNull();
      expect((items.data as { id: number }[]).map((r) => r.id)[1]).toBe(500);
    });

    it('leaves always-identity and generated columns to the database', async () => {
      const res = await sb
        .from('always_items')
        .insert([{ name: 'a' }, { name: 'bb', note: 'x' }], { defaultToNull: false })
        .select('id, name, note, name_length');
      expect(res.error).toBeNull();
      expect(res.data).toEqual([
        { id: 1, name: 'a', note: 'none', name_length: 1 },
        { id: 2, name: 'bb', note: 'x', name_length: 2 },
      ]);
      // Without missing=default, a listed column a row lacks is NULL (PostgREST's default, missing=null).
      const nulls = await sb
        .from('always_items')
        .insert([{ name: 'c' }, { name: 'd', note: 'y' }])
        .select('note');
      expect(nulls.data).toEqual([{ note: null }, { note: 'y' }]);
    });
  });

  describe('Prefer parsing and Preference-Applied', () => {
    it('rejects unknown preferences with handling=strict (PGRST122) and ignores them otherwise', async () => {
      const strict = await fetch(`${rest()}/users?select=username`, {
        headers: headers({ Prefer: 'handling=strict, anything, count=exact' }),
      });
      expect(strict.status).toBe(400);
      expect(await strict.json()).toEqual({
        code: 'PGRST122',
        details: 'Invalid preferences: anything',
        hint: null,
        message: 'Invalid preferences given with handling=strict',
      });
      const lenient = await fetch(`${rest()}/users?select=username&limit=1`, {
        headers: headers({ Prefer: 'handling=lenient, anything, count=exact' }),
      });
      expect(lenient.status).toBe(206);
      expect(lenient.headers.get('preference-applied')).toBe('count=exact, handling=lenient');
    });

    it('answers return=headers-only with the Location of the inserted row', async () => {
      const res = await fetch(`${rest()}/users`, {
        method: 'POST',
        headers: headers({ 'Content-Type': 'application/json', Prefer: 'return=headers-only' }),
        body: JSON.stringify({ username: 'located one', status: 'ONLINE' }),
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe('/users?username=eq.located%20one');
      expect(await res.text()).toBe('');
    });

    it('reports only what each kind of request honours, first value winning', async () => {
      const read = await fetch(`${rest()}/users?select=username&limit=1`, {
        headers: headers({
          Prefer: 'return=representation, resolution=merge-duplicates, tx=commit, tx=rollback',
        }),
      });
      expect(read.headers.get('preference-applied')).toBe('tx=commit');
      const created = await fetch(`${rest()}/users?select=username`, {
        method: 'POST',
        headers: headers({
          'Content-Type': 'application/json',
          Prefer:
            'return=representation, count=exact, resolution=merge-duplicates, missing=default, max-affected=1',
        }),
        body: JSON.stringify({ username: 'newbie', status: 'ONLINE' }),
      });
      expect(created.status).toBe(201);
      expect(created.headers.get('preference-applied')).toBe(
        'resolution=merge-duplicates, missing=default, return=representation, count=exact',
      );
      const zone = await fetch(`${rest()}/users?select=username&limit=1`, {
        headers: headers({ Prefer: 'timezone=America/Los_Angeles, handling=strict' }),
      });
      expect(zone.status).toBe(200);
      expect(zone.headers.get('preference-applied')).toBe('handling=strict, timezone=America/Los_Angeles');
      const set = await fetch(`${rest()}/rpc/current_zone`, {
        headers: headers({ Prefer: 'timezone=America/Los_Angeles' }),
      });
      expect(await set.json()).toBe('America/Los_Angeles');
      const badZone = await fetch(`${rest()}/users?select=username`, {
        headers: headers({ Prefer: 'timezone=Mars/Olympus, handling=strict' }),
      });
      expect(badZone.status).toBe(400);
      expect(((await badZone.json()) as { details: string }).details).toBe(
        'Invalid preferences: timezone=Mars/Olympus',
      );
    });
  });
});
