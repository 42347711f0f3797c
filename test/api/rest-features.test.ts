import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApiTestEnv, type ApiTestEnv, type Client } from './api-test-env.js';
import { FIDELITY_SQL } from './fidelity-fixtures.js';
import { runSql } from './rest-fixtures.js';

const FEATURES_SQL = `
create schema personal;
create table personal.notes (id int primary key, body text);
grant usage on schema personal to anon, authenticated;
grant select, insert on personal.notes to anon, authenticated;
insert into personal.notes values (1, 'private note');
create function personal.current_path() returns text language sql stable as $$ select current_setting('search_path') $$;
create function public.current_path() returns text language sql stable as $$ select current_setting('search_path') $$;
create function public.shout(users) returns text language sql stable as $$ select upper($1.username) $$;
create function public.message_length(messages) returns int language sql stable as $$ select length($1.message) $$;
create function public.numbers(n int) returns setof int language sql stable as $$ select generate_series(1, n) $$;
create function public.add_one(n int) returns int language sql immutable as $$ select n + 1 $$;
grant execute on all functions in schema public, personal to anon, authenticated;
insert into users (username) values ('ghost');
analyze items;
`;

/** Turns one of PostgREST's in-database settings on or off for the authenticator in this database. */
async function setPgrst(env: ApiTestEnv, name: string, on: boolean): Promise<void> {
  const admin = new pg.Client({ connectionString: env.db.adminUrl });
  await admin.connect();
  try {
    await admin.query(`alter role authenticator in database ${env.db.name} set pgrst.${name} = '${on}'`);
  } finally {
    await admin.end();
  }
  await env.server.reloadSchema();
}

// PostgREST features a supabase-js user reaches for, each checked through supabase-js (or raw HTTP where the
// client cannot say it) against PostgREST's documented or tested answers.
describe('REST features: schemas, aggregates, computed fields, counts, media types', () => {
  let env: ApiTestEnv;
  let sb: Client;
  const rest = (): string => `${env.server.url}/rest/v1`;
  beforeAll(async () => {
    env = await startApiTestEnv({
      projectConfig: {
        api: { schemas: ['public', 'personal'], extra_search_path: ['public', 'extensions'], max_rows: 5 },
      },
    });
    await runSql(env.db.url, FIDELITY_SQL + FEATURES_SQL);
    await env.server.reloadSchema();
    sb = env.client();
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('exposes the schemas of config.toml [api], switched by .schema() / db.schema, PGRST106 for others', async () => {
    const notes = await sb.schema('personal').from('notes').select('id, body');
    expect(notes.data).toEqual([{ id: 1, body: 'private note' }]);
    const inserted = await sb.schema('personal').from('notes').insert({ id: 2, body: 'second' }).select('id');
    expect(inserted.data).toEqual([{ id: 2 }]);
    expect((await sb.schema('personal').rpc('current_path')).data).toBe('"personal", "public", "extensions"');
    expect((await sb.rpc('current_path')).data).toBe('"public", "public", "extensions"');
    const refused = await sb.schema('auth').from('users').select('id');
    expect(refused.status).toBe(406);
    expect(refused.error).toEqual({
      code: 'PGRST106',
      details: null,
      hint: null,
      message: 'The schema must be one of the following: public, personal',
    });
  });

  it('caps responses at [api] max_rows, counting past it', async () => {
    const page = await sb.from('items').select('id', { count: 'exact' }).order('id');
    expect(page.status).toBe(206);
    expect(page.count).toBe(15);
    expect(page.data).toHaveLength(5);
  });

  it('refuses aggregates while disabled (PGRST123) but answers the legacy rel(count)', async () => {
    const refused = await sb.from('messages').select('count()');
    expect(refused.status).toBe(400);
    expect(refused.error).toEqual({
      code: 'PGRST123',
      details: null,
      hint: null,
      message: 'Use of aggregate functions is not allowed',
    });
    const legacy = await sb.from('channels').select('slug, messages(count)').order('id');
    expect(legacy.data).toEqual([
      { slug: 'public', messages: [{ count: 2 }] },
      { slug: 'random', messages: [{ count: 1 }] },
      { slug: 'other', messages: [{ count: 1 }] },
    ]);
  });

  it('aggregates with aliases, casts and grouping, inside embeds and as to-many spreads when enabled', async () => {
    await setPgrst(env, 'db_aggregates_enabled', true);
    try {
      const grouped = await sb
        .from('messages')
        .select('channel_id, count(), last:id.max()')
        .order('channel_id');
      expect(grouped.error).toBeNull();
      expect(grouped.data).toEqual([
        { channel_id: 1, count: 2, last: 3 },
        { channel_id: 2, count: 1, last: 2 },
        { channel_id: 3, count: 1, last: 4 },
      ]);
      const cast = await sb.from('users').select('age.sum()::text, age.avg()::int');
      expect(cast.data).toEqual([{ sum: '140', avg: 35 }]);
      const embedded = await sb.from('channels').select('slug, messages(count())').order('id').limit(2);
      expect(embedded.data).toEqual([
        { slug: 'public', messages: [{ count: 2 }] },
        { slug: 'random', messages: [{ count: 1 }] },
      ]);
      const spread = await sb
        .from('channels')
        .select('slug, ...messages(message)')
        .order('id')
        .order('id', { referencedTable: 'messages' });
      expect(spread.data).toEqual([
        { slug: 'public', message: ['Hello World', 'Hi'] },
        { slug: 'random', message: ['Perfection is attained'] },
        { slug: 'other', message: ['Bye'] },
      ]);
      // Grouped by a to-one spread's field (PostgREST 12's aggregates with spreads).
      const byStatus = await sb.from('messages').select('...users(status), count()');
      expect(byStatus.error).toBeNull();
      const sorted = [...((byStatus.data ?? []) as { status: string }[])].sort((a, b) =>
        a.status.localeCompare(b.status),
      );
      expect(sorted).toEqual([
        { status: 'OFFLINE', count: 1 },
        { status: 'ONLINE', count: 3 },
      ]);
      // Grouped by a to-one embed (PostgREST 12's aggregates with embedded resources).
      const byChannel = await sb.from('messages').select('channels(slug), count()');
      expect(byChannel.error).toBeNull();
      const channels = [
        ...((byChannel.data ?? []) as unknown as { channels: { slug: string }; count: number }[]),
      ]
        .map((r) => [r.channels.slug, r.count])
        .sort();
      expect(channels).toEqual([
        ['other', 1],
        ['public', 2],
        ['random', 1],
      ]);
      const none = await sb.from('users').select('username, ...messages(id)').eq('username', 'kiwicopple');
      expect(none.data).toEqual([{ username: 'kiwicopple', id: [] }]);
    } finally {
      await setPgrst(env, 'db_aggregates_enabled', false);
    }
  });

  it('computes fields from the row: select, filter, order, embeds and write representations', async () => {
    const rows = await sb
      .from('users')
      .select('username, shout')
      .lt('age', 35)
      .order('shout', { ascending: false });
    expect(rows.data).toEqual([
      { username: 'dlymon', shout: 'DLYMON' },
      { username: 'awailas', shout: 'AWAILAS' },
    ]);
    const filtered = await sb.from('users').select('username').eq('shout', 'SUPABOT');
    expect(filtered.data).toEqual([{ username: 'supabot' }]);
    const embedded = await sb.from('channels').select('slug, messages(message_length)').eq('id', 2).single();
    expect(embedded.data).toEqual({ slug: 'random', messages: [{ message_length: 22 }] });
    const updated = await sb
      .from('users')
      .update({ status: 'AWAY' })
      .eq('username', 'dlymon')
      .select('username, shout');
    expect(updated.data).toEqual([{ username: 'dlymon', shout: 'DLYMON' }]);
  });

  it('computes fields in every write representation: insert, upsert, update, delete, with count=exact', async () => {
    // PostgREST returns `tbl.field` from the mutation (attribute notation calls the function on the row):
    // an upsert's representation is computed like any other.
    const inserted = await sb
      .from('users')
      .insert({ username: 'neo', age: 1 })
      .select('username, shout')
      .rollback();
    expect([inserted.status, inserted.data]).toEqual([201, [{ username: 'neo', shout: 'NEO' }]]);
    const merged = await sb
      .from('users')
      .upsert(
        [
          { username: 'dlymon', age: 31 },
          { username: 'neo', age: 1 },
        ],
        { onConflict: 'username', count: 'exact' },
      )
      .select('username, age, shout')
      .rollback();
    expect(merged.error).toBeNull();
    expect([merged.status, merged.count, merged.data]).toEqual([
      201,
      2,
      [
        { username: 'dlymon', age: 31, shout: 'DLYMON' },
        { username: 'neo', age: 1, shout: 'NEO' },
      ],
    ]);
    const updatedOnly = await sb
      .from('users')
      .upsert({ username: 'supabot', age: 51 })
      .select('shout, messages(message_length)')
      .rollback()
      .single();
    expect(updatedOnly.error).toBeNull();
    expect([updatedOnly.status, updatedOnly.data]).toEqual([
      200,
      { shout: 'SUPABOT', messages: [{ message_length: 11 }, { message_length: 22 }] },
    ]);
    const updated = await sb
      .from('users')
      .update({ age: 21 }, { count: 'exact' })
      .eq('username', 'awailas')
      .select('shout')
      .rollback();
    expect([updated.status, updated.count, updated.data]).toEqual([200, 1, [{ shout: 'AWAILAS' }]]);
    const deleted = await sb
      .from('users')
      .delete()
      .eq('username', 'ghost')
      .select('username, shout')
      .rollback();
    expect([deleted.status, deleted.data]).toEqual([200, [{ username: 'ghost', shout: 'GHOST' }]]);
    const messages = await sb
      .from('messages')
      .upsert({ id: 4, message: 'Goodbye', username: 'dlymon', channel_id: 3 })
      .select('id, message_length, users(shout)')
      .rollback();
    expect([messages.status, messages.data]).toEqual([
      200,
      [{ id: 4, message_length: 7, users: { shout: 'DLYMON' } }],
    ]);
  });

  it('an upsert returning whole rows gives the functions rows of the table type: dropped and generated columns', async () => {
    await runSql(
      env.db.url,
      `create table gadgets (id int primary key, dropped text, name text, secret text,
         name_length int generated always as (length(name)) stored);
       alter table gadgets drop column dropped;
       create function gadget_label(gadgets) returns text language sql stable as $$ select $1.name || '#' || $1.id $$;
       insert into gadgets (id, name, secret) values (1, 'lamp', 's1');
       grant select, insert, update on gadgets to anon, authenticated;
       grant execute on function gadget_label(gadgets) to anon, authenticated;`,
    );
    await env.server.reloadSchema();
    try {
      const merged = await sb
        .from('gadgets')
        .upsert([
          { id: 1, name: 'desk lamp' },
          { id: 2, name: 'fan' },
        ])
        .select('*, gadget_label')
        .rollback();
      expect(merged.error).toBeNull();
      expect([merged.status, merged.data]).toEqual([
        201,
        [
          { id: 1, name: 'desk lamp', secret: 's1', name_length: 9, gadget_label: 'desk lamp#1' },
          { id: 2, name: 'fan', secret: null, name_length: 3, gadget_label: 'fan#2' },
        ],
      ]);
    } finally {
      await runSql(env.db.url, 'drop table gadgets cascade');
      await env.server.reloadSchema();
    }
  });

  it('counts RPC results exactly (set and single, POST, GET and HEAD)', async () => {
    const set = await sb.rpc('numbers', { n: 7 }, { count: 'exact' });
    expect(set.count).toBe(7);
    expect(set.data).toEqual([1, 2, 3, 4, 5]);
    expect(set.status).toBe(206);
    const get = await sb.rpc('numbers', { n: 3 }, { get: true, count: 'exact' });
    expect(get.count).toBe(3);
    const head = await sb.rpc('numbers', { n: 4 }, { head: true, count: 'exact' });
    expect(head.count).toBe(4);
    expect(head.data).toBeNull();
    const scalar = await fetch(`${rest()}/rpc/add_one?n=3`, {
      headers: { apikey: env.anonKey, Prefer: 'count=exact' },
    });
    expect(await scalar.json()).toBe(4);
    expect(scalar.headers.get('content-range')).toBe('0-0/1');
  });

  it('counts RPC results for count=estimated (exactly) but not for count=planned, as PostgREST', async () => {
    // PostgREST's invokeQuery counts a call only when shouldCount (exact or estimated); a call is never
    // EXPLAINed, so count=planned leaves the total unknown: Content-Range 0-4/* and 200, not 206.
    const estimated = await sb.rpc('numbers', { n: 7 }, { count: 'estimated' });
    expect([estimated.count, estimated.status]).toEqual([7, 206]);
    const planned = await fetch(`${rest()}/rpc/numbers?n=7`, {
      headers: { apikey: env.anonKey, Prefer: 'count=planned' },
    });
    expect(planned.status).toBe(200);
    expect(planned.headers.get('content-range')).toBe('0-4/*');
    expect(await planned.json()).toEqual([1, 2, 3, 4, 5]);
    const viaClient = await sb.rpc('numbers', { n: 7 }, { count: 'planned' });
    expect(viaClient.error).toBeNull();
    expect(viaClient.count).toBeNaN(); // supabase-js parses the '*' of Content-Range with parseInt
    const scalar = await fetch(`${rest()}/rpc/add_one?n=3`, {
      headers: { apikey: env.anonKey, Prefer: 'count=planned' },
    });
    expect(scalar.headers.get('content-range')).toBe('0-0/*');
  });

  it('answers count=planned from the planner and count=estimated exactly below max rows', async () => {
    const planned = await sb.from('items').select('id', { count: 'planned', head: true });
    expect(planned.count).toBe(15);
    const estimated = await sb.from('items').select('id', { count: 'estimated', head: true });
    expect(estimated.count).toBe(15);
    const small = await sb.from('items').select('id', { count: 'estimated' }).lt('id', 3);
    expect(small.count).toBe(2);
  });

  it('answers text/csv as PostgREST writes it', async () => {
    const { data, error } = await sb
      .from('users')
      .select('username, status')
      .order('username')
      .limit(2)
      .csv();
    expect(error).toBeNull();
    expect(data).toBe('username,status\nawailas,ONLINE\ndlymon,AWAY');
    const res = await fetch(`${rest()}/users?select=username&username=eq.nobody`, {
      headers: { apikey: env.anonKey, Accept: 'text/csv' },
    });
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await res.text()).toBe('\n');
  });

  it("orders by a to-one embed's field (related order), PGRST118 for a to-many one", async () => {
    const byChannel = await sb
      .from('messages')
      .select('id, channels(slug)')
      .order('channels(slug)', { ascending: false })
      .order('id');
    expect(byChannel.error).toBeNull();
    expect((byChannel.data as { id: number }[]).map((r) => r.id)).toEqual([2, 1, 3, 4]);
    const spread = await sb
      .from('messages')
      .select('id, ...channels(slug)')
      .order('channels(slug)')
      .order('id');
    expect((spread.data as { id: number }[]).map((r) => r.id)).toEqual([4, 1, 3, 2]);
    const toMany = await sb.from('channels').select('slug, messages(id)').order('messages(id)');
    expect(toMany.status).toBe(400);
    expect(toMany.error).toEqual({
      code: 'PGRST118',
      details: "'channels' and 'messages' do not form a many-to-one or one-to-one relationship",
      hint: null,
      message: "A related order on 'messages' is not possible",
    });
  });

  it('strips null values with .stripNulls() (nulls=stripped)', async () => {
    const stripped = await sb
      .from('users')
      .select('username, status, age')
      .eq('username', 'ghost')
      .stripNulls();
    expect(stripped.error).toBeNull();
    expect(stripped.data).toEqual([{ username: 'ghost' }]);
    const one = await fetch(`${rest()}/users?select=username,status&username=eq.ghost`, {
      headers: { apikey: env.anonKey, Accept: 'application/vnd.pgrst.object+json;nulls=stripped' },
    });
    expect(await one.json()).toEqual({ username: 'ghost' });
  });

  it('explains plans only when enabled (406 otherwise)', async () => {
    const refused = await sb.from('items').select('id').explain();
    expect(refused.status).toBe(406);
    expect((refused.error as { code?: string } | null)?.code).toBe('PGRST107');
    await setPgrst(env, 'db_plan_enabled', true);
    try {
      const text = await sb.from('items').select('id').eq('id', 1).explain();
      expect(text.status).toBe(200);
      expect(text.data as unknown as string).toMatch(/Scan/);
      const json = await sb.from('items').select('id').explain({ format: 'json', analyze: true });
      const plan = json.data as unknown as { Plan: { 'Node Type': string; 'Actual Rows'?: number } }[];
      expect(plan[0]?.Plan['Node Type']).toBeDefined();
      expect(plan[0]?.Plan['Actual Rows']).toBeDefined();
    } finally {
      await setPgrst(env, 'db_plan_enabled', false);
    }
  });

  it("words errors as PostgREST 12: 42P01, 42712, and the 'Perhaps you meant' hints", async () => {
    const table = await sb.from('userz').select('*');
    expect(table.status).toBe(404);
    expect(table.error).toEqual({
      code: '42P01',
      details: null,
      hint: null,
      message: 'relation "public.userz" does not exist',
    });
    const twice = await sb.from('channels').select('id, messages(id), messages(message)');
    expect(twice.error).toEqual({
      code: '42712',
      details: null,
      hint: null,
      message: 'table name "channels_messages_1" specified more than once',
    });
    const rel = await sb.from('channels').select('id, message(id)');
    expect(rel.error).toEqual({
      code: 'PGRST200',
      details:
        "Searched for a foreign key relationship between 'channels' and 'message' in the schema 'public', but no matches were found.",
      hint: "Perhaps you meant 'messages' instead of 'message'.",
      message: "Could not find a relationship between 'channels' and 'message' in the schema cache",
    });
    const fn = await sb.rpc('numberz', { n: 1 });
    expect(fn.error).toMatchObject({
      code: 'PGRST202',
      hint: 'Perhaps you meant to call the function public.numbers',
      message: 'Could not find the function public.numberz(n) in the schema cache',
    });
    const args = await sb.rpc('numbers', { nn: 1 });
    expect(args.error?.hint).toBe('Perhaps you meant to call the function public.numbers(n)');
  });
});
