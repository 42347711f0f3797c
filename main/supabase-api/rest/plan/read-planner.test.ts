import { describe, expect, it } from 'vitest';

import { ApiError } from '../api-error.js';
import { parseQueryParams } from '../parse/query-params.js';
import type { SchemaCache } from '../schema-cache/schema-cache.js';
import type { ColumnInfo, Relationship, TableInfo } from '../schema-cache/schema-types.js';
import { readStatement } from '../sql/read-sql.js';
import { SqlParams } from '../sql/sql-params.js';
import { planRead, type PlanOptions } from './read-planner.js';
import type { LogicTree, ReadNode } from './read-plan.js';

function table(name: string, columns: readonly string[]): TableInfo {
  const cols = new Map<string, ColumnInfo>(
    columns.map((c) => [
      c,
      { name: c, type: c === 'id' ? 'integer' : 'text', notNull: false, defaultExpr: null, generated: false },
    ]),
  );
  return { schema: 'public', name, isView: false, columns: cols, primaryKey: ['id'], uniqueKeys: [['id']] };
}

// channels 1-n messages n-1 users: the shape of supabase-js's own test schema.
const channels = table('channels', ['id', 'slug']);
const users = table('users', ['username', 'status']);
const messages = table('messages', ['id', 'message', 'channel_id', 'username']);
const toChannel: Relationship = {
  cardinality: 'm2o',
  table: messages,
  foreignTable: channels,
  isSelf: false,
  constraint: 'messages_channel_id_fkey',
  columns: [['channel_id', 'id']],
};
const toMessages: Relationship = {
  cardinality: 'o2m',
  table: channels,
  foreignTable: messages,
  isSelf: false,
  constraint: 'messages_channel_id_fkey',
  columns: [['id', 'channel_id']],
};
const toUser: Relationship = {
  cardinality: 'm2o',
  table: messages,
  foreignTable: users,
  isSelf: false,
  constraint: 'messages_username_fkey',
  columns: [['username', 'username']],
};

const cache: SchemaCache = {
  schemas: ['public'],
  tables: new Map([channels, users, messages].map((t) => [`public.${t.name}`, t])),
  relationships: new Map([
    [channels, [toMessages]],
    [messages, [toChannel, toUser]],
    [users, []],
  ]),
  functions: new Map(),
  roleSettings: new Map(),
  castTypes: new Map([
    ['text', 'pg_catalog.text'],
    ['int4', 'pg_catalog.int4'],
  ]),
  timezones: new Set(),
  computedFields: new Map([[channels, new Map([['shout', { schema: 'public', name: 'shout' }]])]]),
  settings: { aggregatesEnabled: false, planEnabled: false },
};

const OFF: PlanOptions = { aggregatesEnabled: false };
const ON: PlanOptions = { aggregatesEnabled: true };

function plan(from: TableInfo, search: string, options: PlanOptions = OFF): ReadNode {
  const q = parseQueryParams(search);
  return planRead(cache, { table: from, label: from.name, columns: [...from.columns.keys()] }, q, options);
}

function failure(run: () => unknown): Record<string, unknown> {
  try {
    run();
  } catch (error: unknown) {
    if (error instanceof ApiError) return { status: error.status, ...error.body() };
    throw error;
  }
  throw new Error('expected an ApiError');
}

/** A compact rendering of a logic tree, to compare shapes. */
function show(tree: LogicTree): string {
  if (tree.kind === 'filter') return `${tree.filter.negate ? 'not ' : ''}${tree.filter.field.name}`;
  if (tree.kind === 'embedNull') return `${tree.embed.name} is ${tree.isNull ? '' : 'not '}null`;
  return `${tree.negate ? 'not ' : ''}${tree.op}(${tree.children.map(show).join(', ')})`;
}

describe('planRead', () => {
  it('resolves columns, aliases, casts, JSON paths and computed fields', () => {
    const node = plan(channels, 'select=id,name:slug::text,shout&order=slug.desc.nullslast&limit=2');
    expect(node.select).toEqual([
      { kind: 'field', field: { name: 'id', path: [] }, name: 'id' },
      {
        kind: 'field',
        field: { name: 'slug', path: [] },
        name: 'name',
        cast: { schema: 'pg_catalog', name: 'text', array: false },
      },
      {
        kind: 'field',
        field: {
          name: 'shout',
          computed: { schema: 'public', name: 'shout', row: { schema: 'public', name: 'channels' } },
          path: [],
        },
        name: 'shout',
      },
    ]);
    expect(node.order).toEqual([{ field: { name: 'slug', path: [] }, direction: 'desc', nulls: 'last' }]);
    expect(node.limit).toBe(2);
    expect(node.grouped).toBe(false);
  });

  it('keeps filters as boolean trees, per level', () => {
    const node = plan(
      channels,
      'select=id,messages(id)&slug=eq.a&or=(id.eq.1,and(slug.eq.b,id.not.eq.2))&messages.not.or=(id.eq.1,message.eq.x)',
    );
    expect(node.where.map(show)).toEqual(['slug', 'or(id, and(slug, not id))']);
    const [embed] = node.embeds;
    expect(embed?.node.where.map(show)).toEqual(['not or(id, message)']);
  });

  it('plans embeds with their relationship, cardinality and join mode', () => {
    const node = plan(messages, 'select=id,channel:channels!inner(slug),...users(status)');
    expect(node.embeds.map((e) => [e.name, e.relationship, e.toOne, e.mode, e.inner, e.node.alias])).toEqual([
      ['channel', toChannel, true, 'json', true, 't1'],
      ['users', toUser, true, 'spread', false, 't2'],
    ]);
    const filtered = plan(channels, 'select=id,messages(id)&messages=not.is.null');
    expect(filtered.where.map(show)).toEqual(['messages is not null']);
  });

  it("refuses with PostgREST's errors", () => {
    expect(failure(() => plan(channels, 'select=nope'))).toMatchObject({
      status: 400,
      code: '42703',
      message: 'column channels.nope does not exist',
    });
    expect(failure(() => plan(channels, 'select=id,users(*)'))).toMatchObject({
      status: 400,
      code: 'PGRST200',
    });
    expect(failure(() => plan(channels, 'select=id&messages.id=eq.1'))).toMatchObject({
      status: 400,
      code: 'PGRST108',
      hint: "Verify that 'messages' is included in the 'select' query parameter.",
    });
    expect(failure(() => plan(channels, 'select=id,messages(id)&messages=eq.1'))).toMatchObject({
      code: 'PGRST120',
    });
    expect(failure(() => plan(channels, 'select=id,messages(id),messages(message)'))).toEqual({
      status: 400,
      code: '42712',
      details: null,
      hint: null,
      message: 'table name "channels_messages_1" specified more than once',
    });
    expect(failure(() => plan(channels, 'select=id::nosuchtype'))).toMatchObject({ code: '42704' });
  });

  it('allows aggregates only when enabled (PGRST123), the legacy rel(count) always', () => {
    const aggregate = { status: 400, code: 'PGRST123', message: 'Use of aggregate functions is not allowed' };
    expect(failure(() => plan(messages, 'select=count()'))).toMatchObject(aggregate);
    expect(failure(() => plan(messages, 'select=id.sum()'))).toMatchObject(aggregate);
    expect(failure(() => plan(channels, 'select=slug,...messages(message)'))).toMatchObject(aggregate);
    const legacy = plan(channels, 'select=slug,messages(count)');
    expect(legacy.embeds[0]?.node.select).toEqual([{ kind: 'count', name: 'count' }]);
    expect(legacy.embeds[0]?.node.grouped).toBe(true);
    const grouped = plan(messages, 'select=username,total:id.sum()::text,count()', ON);
    expect(grouped.grouped).toBe(true);
    expect(grouped.select).toEqual([
      { kind: 'field', field: { name: 'username', path: [] }, name: 'username' },
      {
        kind: 'field',
        field: { name: 'id', path: [] },
        name: 'total',
        aggregate: 'sum',
        aggregateCast: { schema: 'pg_catalog', name: 'text', array: false },
      },
      { kind: 'count', name: 'count' },
    ]);
  });
});

describe('readStatement', () => {
  it('writes every logic tree as one operand and binds every value', () => {
    const params = new SqlParams();
    const node = plan(
      messages,
      "select=id&username=eq.x&or=(message.eq.a,message.eq.'; drop table users; --)",
    );
    const sql = readStatement(
      node,
      { from: '"public"."messages" AS "t0"', limit: 10, offset: 0, count: true, singular: false },
      params,
    );
    expect(sql).toContain('WHERE "t0"."username" = $1 AND ("t0"."message" = $2 OR "t0"."message" = $3)');
    expect(sql).not.toContain('drop table');
    expect(params.values).toEqual(['x', 'a', "'; drop table users; --", 10]);
  });

  it('groups by the positions of the fields that are not aggregated', () => {
    const params = new SqlParams();
    const node = plan(messages, 'select=username,id.max(),count()', ON);
    const sql = readStatement(
      node,
      { from: '"public"."messages" AS "t0"', limit: null, offset: 0, count: false, singular: false },
      params,
    );
    expect(sql).toContain(
      'SELECT "t0"."username" AS "username", max("t0"."id") AS "max", count(*) AS "count"',
    );
    expect(sql).toContain('GROUP BY 1');
  });
});

describe('computed relationships', () => {
  // get_messages(channels) returns setof messages (to-many); channels(messages) returns one channel and has
  // the name of the foreign-key relationship messages → channels, which it overrides.
  const getMessages: Relationship = {
    cardinality: 'computed',
    table: channels,
    foreignTable: messages,
    isSelf: false,
    function: { schema: 'public', name: 'get_messages' },
    toOne: false,
  };
  const channelOf: Relationship = {
    cardinality: 'computed',
    table: messages,
    foreignTable: channels,
    isSelf: false,
    function: { schema: 'public', name: 'channels' },
    toOne: true,
  };
  const computedCache: SchemaCache = {
    ...cache,
    relationships: new Map([
      [channels, [toMessages, getMessages]],
      [messages, [toChannel, toUser, channelOf]],
      [users, []],
    ]),
  };
  const planWith = (from: TableInfo, search: string, options: PlanOptions = OFF): ReadNode =>
    planRead(
      computedCache,
      { table: from, label: from.name, columns: [...from.columns.keys()] },
      parseQueryParams(search),
      options,
    );
  const statement = (from: TableInfo, node: ReadNode, params: SqlParams): string =>
    readStatement(
      node,
      {
        from: `"public".${JSON.stringify(from.name)} AS "t0"`,
        limit: null,
        offset: 0,
        count: false,
        singular: false,
      },
      params,
    );

  it('embeds by the function name, to-many for a set, over a same-named foreign key', () => {
    const node = planWith(channels, 'select=id,msgs:get_messages(id)');
    expect(node.embeds.map((e) => [e.name, e.relationship, e.toOne])).toEqual([['msgs', getMessages, false]]);
    const over = planWith(messages, 'select=id,channels(slug)');
    expect(over.embeds.map((e) => [e.relationship, e.toOne])).toEqual([[channelOf, true]]);
    // A hint is ignored, as PostgREST does: the function still wins.
    const hinted = planWith(messages, 'select=id,channels!messages_channel_id_fkey(slug)');
    expect(hinted.embeds[0]?.relationship).toBe(channelOf);
  });

  it('calls the function on the parent row, with the embed filters, order and limit bound', () => {
    const params = new SqlParams();
    const node = planWith(
      channels,
      'select=id,get_messages!inner(id)&get_messages.message=eq.hi&get_messages.order=id.desc&get_messages.limit=2',
    );
    const sql = statement(channels, node, params);
    expect(sql).toContain(
      'FROM "public"."get_messages"("t0"::"public"."channels") AS "t1" WHERE "t1"."message" = $1',
    );
    expect(sql).toContain('ORDER BY "t1"."id" DESC LIMIT $2');
    expect(sql).toContain('WHERE "a1".body IS NOT NULL');
    expect(params.values).toEqual(['hi', 2]);
  });

  it('spreads a to-one computed relationship; a to-many spread needs aggregates', () => {
    const node = planWith(messages, 'select=id,...channels(slug)');
    expect(node.embeds[0]?.mode).toBe('spread');
    const sql = statement(messages, node, new SqlParams());
    expect(sql).toContain('FROM "public"."channels"("t0"::"public"."messages") AS "t1"');
    expect(sql).not.toContain('"t1"."id" = "t0"."channel_id"');
    expect(failure(() => planWith(channels, 'select=id,...get_messages(id)'))).toMatchObject({
      status: 400,
      code: 'PGRST123',
    });
  });

  it('PGRST200 when no function of that name takes the row', () => {
    expect(failure(() => planWith(users, 'select=get_messages(*)'))).toMatchObject({
      status: 400,
      code: 'PGRST200',
      message: "Could not find a relationship between 'users' and 'get_messages' in the schema cache",
    });
  });
});
