import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApiTestEnv, type ApiTestEnv } from './api-test-env.js';
import { runSql, SCRATCH_SQL } from './rest-fixtures.js';

describe('REST API through supabase-js (real Postgres, RLS)', () => {
  let env: ApiTestEnv;
  beforeAll(async () => {
    env = await startApiTestEnv();
    await runSql(env.db.url, SCRATCH_SQL);
    // The bootstrap's event trigger notifies pgrst after DDL: wait until the cache has the new tables.
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${env.server.url}/rest/v1/books?select=id&limit=1`, {
        headers: { apikey: env.anonKey },
      });
      if (res.status === 200) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('reads with columns, aliases, casts, JSON paths, order and embeds', async () => {
    const sb = env.client();
    const { data, error } = await sb
      .from('books')
      .select('id, name:title, price::text, n:data->k->>n, authors(name)')
      .in('id', [1, 3])
      .order('id', { ascending: false });
    expect(error).toBeNull();
    expect(data).toEqual([
      { id: 3, name: 'Gamma', price: '30', n: null, authors: { name: 'Ben' } },
      { id: 1, name: 'Alpha', price: '10', n: '1', authors: { name: 'Ann' } },
    ]);
    const many = await sb.from('authors').select('name, books(title)').order('id').eq('books.title', 'Beta');
    expect(many.data).toEqual([
      { name: 'Ann', books: [{ title: 'Beta' }] },
      { name: 'Ben', books: [] },
      { name: 'Cid', books: [] },
    ]);
    const inner = await sb.from('authors').select('name, books!inner(title)').eq('books.title', 'Gamma');
    expect(inner.data).toEqual([{ name: 'Ben', books: [{ title: 'Gamma' }] }]);
    const nested = await sb
      .from('books')
      .select('title, authors!books_author_id_fkey(name, books(id))')
      .eq('id', 2)
      .single();
    expect(nested.data).toEqual({ title: 'Beta', authors: { name: 'Ann', books: [{ id: 1 }, { id: 2 }] } });
  });

  it('filters: comparison, like, is, in with quotes, contains, or/and/not', async () => {
    const sb = env.client();
    const ids = async (q: PromiseLike<{ data: { id: number }[] | null }>): Promise<number[]> =>
      ((await q).data ?? []).map((r) => r.id).sort();
    expect(await ids(sb.from('books').select('id').gt('price', 10).lte('price', 30))).toEqual([2, 3]);
    expect(await ids(sb.from('books').select('id').ilike('title', '%ET%'))).toEqual([2]);
    expect(await ids(sb.from('books').select('id').like('title', '*lta*'))).toEqual([4]);
    expect(await ids(sb.from('books').select('id').is('author_id', null))).toEqual([4]);
    expect(await ids(sb.from('books').select('id').in('title', ['Gamma', 'Alpha']))).toEqual([1, 3]);
    const quoted = await fetch(
      `${env.server.url}/rest/v1/books?select=id&title=in.(${encodeURIComponent('"Delta, the \\"fourth\\"",Alpha')})`,
      { headers: { apikey: env.anonKey } },
    );
    expect(await quoted.json()).toEqual([{ id: 1 }, { id: 4 }]);
    expect(await ids(sb.from('books').select('id').contains('tags', ['b']))).toEqual([1, 2]);
    expect(
      await ids(sb.from('books').select('id').or('price.gt.25,and(author_id.eq.1,title.eq.Alpha)')),
    ).toEqual([1, 3]);
    expect(await ids(sb.from('books').select('id').not('author_id', 'is', null).neq('id', 1))).toEqual([
      2, 3,
    ]);
    expect(await ids(sb.from('books').select('id').eq('data->k->>n', '2'))).toEqual([2]);
  });

  it('counts, ranges, 206 and 416, HEAD', async () => {
    const sb = env.client();
    const page = await sb.from('books').select('id', { count: 'exact' }).order('id').range(1, 2);
    expect(page.status).toBe(206);
    expect(page.count).toBe(4);
    expect(page.data).toEqual([{ id: 2 }, { id: 3 }]);
    const all = await sb.from('books').select('id', { count: 'exact' });
    expect(all.status).toBe(200);
    const head = await sb.from('books').select('*', { count: 'exact', head: true }).eq('author_id', 1);
    expect(head.count).toBe(2);
    expect(head.data).toBeNull();
    const past = await fetch(`${env.server.url}/rest/v1/books?offset=10&limit=1`, {
      headers: { apikey: env.anonKey, Prefer: 'count=exact' },
    });
    expect(past.status).toBe(416);
    expect(((await past.json()) as { code: string }).code).toBe('PGRST103');
  });

  it('inserts, upserts (merge and ignore), updates and deletes', async () => {
    const sb = env.client();
    const ins = await sb
      .from('authors')
      .insert([
        { id: 10, name: 'Dee' },
        { id: 11, name: 'Eve' },
      ])
      .select();
    expect(ins.status).toBe(201);
    expect(ins.data).toHaveLength(2);
    const minimal = await sb.from('books').insert({ id: 10, title: 'Epsilon' });
    expect(minimal.status).toBe(201);
    expect(minimal.data).toBeNull();
    const withDefaults = await sb
      .from('books')
      .insert(
        [
          { id: 11, title: 'Zeta' },
          { id: 12, title: 'Eta', note: 'x' },
        ],
        { defaultToNull: false },
      )
      .select('id, note')
      .order('id');
    expect(withDefaults.data).toEqual([
      { id: 11, note: 'none' },
      { id: 12, note: 'x' },
    ]);
    const merged = await sb.from('authors').upsert({ id: 10, name: 'Dee 2' }).select().single();
    expect(merged.status).toBe(200);
    expect(merged.data).toEqual({ id: 10, name: 'Dee 2' });
    const fresh = await sb.from('authors').upsert({ id: 12, name: 'Fay' }).select();
    expect(fresh.status).toBe(201);
    const ignored = await sb
      .from('authors')
      .upsert({ id: 10, name: 'ignored' }, { ignoreDuplicates: true })
      .select();
    expect(ignored.data).toEqual([]);
    const upd = await sb.from('authors').update({ name: 'Eve 2' }).eq('id', 11).select('name');
    expect(upd.data).toEqual([{ name: 'Eve 2' }]);
    const del = await sb.from('authors').delete({ count: 'exact' }).in('id', [11, 12]);
    expect(del.status).toBe(204);
    expect(del.count).toBe(2);
    const unsafe = await sb.from('authors').delete();
    expect(unsafe.status).toBe(400);
    expect(unsafe.error?.code).toBe('21000');
    const dup = await sb.from('authors').insert({ id: 1, name: 'again' });
    expect(dup.status).toBe(409);
    expect(dup.error?.code).toBe('23505');
    const badCol = await sb.from('authors').insert({ id: 99, nope: 1 });
    expect(badCol.error?.code).toBe('PGRST204');
  });

  it('RLS: each user sees and changes only their own rows; .single() errors and rolls back', async () => {
    const alice = await env.signedIn('alice@example.com');
    const bob = await env.signedIn('bob@example.com');
    const draft = await alice.from('drafts').insert({ detail: 'alice draft' }).select().single();
    expect(draft.error).toBeNull();
    const id = (draft.data as { id: string }).id;
    expect((await alice.from('drafts').select('id').eq('id', id)).data).toHaveLength(1);
    expect((await bob.from('drafts').select('id').eq('id', id)).data).toEqual([]);
    const single = await bob.from('drafts').select('*').eq('id', id).single();
    expect(single.status).toBe(406);
    expect(single.error?.code).toBe('PGRST116');
    expect(single.error?.details).toBe('The result contains 0 rows');
    const hidden = await bob.from('drafts').update({ detail: 'hacked' }).eq('id', id).select();
    expect(hidden.data).toEqual([]);
    const spec = await alice
      .from('draft_specs')
      .insert({ draft_id: id, catalog_name: 'aliceCo/thing', spec: { a: 1 }, spec_type: 'collection' })
      .select('catalog_name, drafts(detail)')
      .single();
    expect(spec.data).toEqual({ catalog_name: 'aliceCo/thing', drafts: { detail: 'alice draft' } });
    // A singular write that matches two rows is refused and rolled back.
    await alice.from('notes').insert([{ body: 'n1' }, { body: 'n2' }]);
    const two = await alice
      .from('notes')
      .update({ body: 'changed' })
      .in('body', ['n1', 'n2'])
      .select()
      .single();
    expect(two.error?.code).toBe('PGRST116');
    expect((await alice.from('notes').select('body').order('body')).data).toEqual([
      { body: 'n1' },
      { body: 'n2' },
    ]);
    expect((await bob.from('notes').select('*')).data).toEqual([]);
    const grants = await env.client().from('user_grants').select('*');
    expect(grants.status).toBe(401);
    expect(grants.error?.code).toBe('42501');
  });

  it('RPC: scalar, setof with filters, void, GET, and the control-plane functions', async () => {
    const sb = env.client();
    expect((await sb.rpc('add_them', { a: 2, b: 3 })).data).toBe(5);
    expect((await sb.rpc('add_them', { a: 2 }, { get: true })).data).toBe(3);
    const set = await sb.rpc('books_by', { author: 1 }).select('title').gt('id', 1);
    expect(set.data).toEqual([{ title: 'Beta' }]);
    const v = await sb.rpc('do_nothing');
    expect(v.status).toBe(204);
    const missing = await sb.rpc('nope', { x: 1 });
    expect(missing.status).toBe(404);
    expect(missing.error?.code).toBe('PGRST202');
    const raised = await sb.rpc('fail_loudly');
    expect(raised.status).toBe(400);
    expect(raised.error).toMatchObject({ code: 'P0001', message: 'boom', details: 'd', hint: 'h' });

    const alice = await env.signedIn('alice@example.com');
    expect((await alice.rpc('whoami')).data).toBe('11111111-1111-1111-1111-111111111111');
    const roles = await alice.rpc('auth_roles', { min_capability: 'admin' });
    expect(roles.data).toEqual([{ role_prefix: 'aliceCo/', capability: 'admin' }]);
    const profile = await alice
      .rpc('view_user_profile', { bearer_user_id: '22222222-2222-2222-2222-222222222222' })
      .single();
    expect(profile.data).toMatchObject({ email: 'bob@example.com', full_name: 'Bob' });
    const gateway = await alice.rpc('gateway_auth_token', { prefixes: ['aliceCo/', 'bobCo/'] });
    expect(gateway.error).toBeNull();
    expect((gateway.data as { token: string }[])[0]?.token).toMatch(/^ey/);
    const exchanged = await alice.rpc('exchange_directive_token', {
      bearer_token: 'd4a37dd7-1bf5-40e3-b715-60c4edd0f6dc',
    });
    expect(exchanged.error).toBeNull();
    expect(exchanged.data).toMatchObject({
      directive: { catalog_prefix: 'ops/' },
      applied_directive: { user_id: '11111111-1111-1111-1111-111111111111' },
    });
    const logs = await alice.rpc('view_logs', { bearer_token: '00000000-0000-0000-0000-000000000000' });
    expect(logs.data).toEqual([]);
  });

  it('errors in PostgREST shape: unknown table, column, operator, schema, tokens', async () => {
    const base = `${env.server.url}/rest/v1`;
    const get = async (
      path: string,
      headers: Record<string, string> = {},
    ): Promise<{ status: number; body: Record<string, unknown> }> => {
      const res = await fetch(`${base}${path}`, { headers: { apikey: env.anonKey, ...headers } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect(await get('/nope')).toMatchObject({ status: 404, body: { code: '42P01' } });
    expect(await get('/books?nope=eq.1')).toMatchObject({ status: 400, body: { code: '42703' } });
    expect(await get('/books?id=noop.1')).toMatchObject({ status: 400, body: { code: 'PGRST100' } });
    expect(await get('/books?select=authors(*)&books.id=eq.1')).toMatchObject({
      status: 400,
      body: { code: 'PGRST108' },
    });
    expect(await get('/books', { 'Accept-Profile': 'auth' })).toMatchObject({
      status: 406,
      body: { code: 'PGRST106' },
    });
    expect(await get('/books?select=nope(*)')).toMatchObject({ status: 400, body: { code: 'PGRST200' } });
    const key = new TextEncoder().encode(env.secret);
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ role: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(now - 120)
      .sign(key);
    expect(await get('/books', { Authorization: `Bearer ${expired}` })).toMatchObject({
      status: 401,
      body: { code: 'PGRST301', details: null, hint: null, message: 'JWT expired' },
    });
    const forged = await new SignJWT({ role: 'service_role' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('x'.repeat(40)));
    expect(await get('/books', { Authorization: `Bearer ${forged}` })).toMatchObject({
      status: 401,
      body: { code: 'PGRST301' },
    });
    const postgres = await new SignJWT({ role: 'postgres' }).setProtectedHeader({ alg: 'HS256' }).sign(key);
    expect(await get('/books', { Authorization: `Bearer ${postgres}` })).toMatchObject({
      status: 403,
      body: { code: '42501' },
    });
    const preflight = await fetch(`${base}/books`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Headers': 'apikey, prefer' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('prefer');
  });

  it('reloads the schema cache after DDL (NOTIFY pgrst)', async () => {
    await runSql(env.db.url, 'create table later (id int primary key); grant select on later to anon;');
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await fetch(`${env.server.url}/rest/v1/later`, { headers: { apikey: env.anonKey } })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(200);
  });

  it('reads correctly after a column changes type (prepared statements are remade)', async () => {
    await runSql(env.db.url, 'create table retyped (id int primary key); grant select on retyped to anon;');
    await env.server.reloadSchema();
    const sb = env.client();
    for (let i = 0; i < 5; i++) expect((await sb.from('retyped').select('id').eq('id', 1)).error).toBeNull();
    // Reads run as prepared statements, which keep the parameter types they were parsed with: after the
    // column becomes text, the same request shape must not still bind an integer parameter.
    await runSql(
      env.db.url,
      `alter table retyped alter column id type text; insert into retyped values ('x');`,
    );
    await env.server.reloadSchema();
    for (let i = 0; i < 5; i++) {
      const { data, error } = await sb.from('retyped').select('id').eq('id', 'x');
      expect(error).toBeNull();
      expect(data).toEqual([{ id: 'x' }]);
    }
  });
});
