import { ApiError } from './api-error.js';
import { conditionSql, fieldSql, orderSql, type Scope } from './expressions.js';
import type { LevelParams, SelectItem } from './query-ast.js';
import { findRelation } from './relationships.js';
import type { SchemaCache } from './schema-cache.js';
import { ident, qualified, type SqlParams } from './sql-params.js';

/** Shared state while building one statement. */
export interface BuildContext {
  readonly cache: SchemaCache;
  readonly params: SqlParams;
  readonly levels: ReadonlyMap<string, LevelParams>;
  readonly usedPaths: Set<string>;
  counter: number;
}

/** A lateral join of an embed; `filtering` when the level's WHERE depends on it (so counts need it too). */
interface Join {
  readonly sql: string;
  filtering: boolean;
}

/** The pieces of one level of the select tree. */
export interface LevelSql {
  readonly select: string[];
  readonly joins: Join[];
  readonly where: string[];
}

/** Makes a build context for a request. */
export function buildContext(
  cache: SchemaCache,
  params: SqlParams,
  levels: ReadonlyMap<string, LevelParams>,
): BuildContext {
  return { cache, params, levels, usedPaths: new Set(['']), counter: 0 };
}

function castSql(ctx: BuildContext, sql: string, cast: string): string {
  const array = cast.endsWith('[]');
  const base = (array ? cast.slice(0, -2) : cast).trim().toLowerCase();
  const known = ctx.cache.castTypes.get(base);
  if (known === undefined) throw new ApiError(400, '42704', `type "${base}" does not exist`);
  const [schema, name] = known.split('.') as [string, string];
  return `CAST(${sql} AS ${qualified(schema, name)}${array ? '[]' : ''})`;
}

function outputName(item: Extract<SelectItem, { kind: 'column' }>): string {
  if (item.alias !== undefined) return item.alias;
  const last = item.field.path[item.field.path.length - 1];
  return last ? last.key : item.field.name;
}

/** Builds the select list, lateral joins and WHERE of one level of the select tree. */
export function buildLevel(
  ctx: BuildContext,
  base: Omit<Scope, 'embeds'>,
  items: readonly SelectItem[],
  path: string,
): LevelSql {
  const select: string[] = [];
  const joins: Join[] = [];
  const embeds = new Map<string, string>();
  for (const item of items) {
    if (item.kind === 'star') {
      for (const c of base.columns) select.push(`${ident(base.alias)}.${ident(c)} AS ${ident(c)}`);
    } else if (item.kind === 'column') {
      let sql = fieldSql({ ...base, embeds }, item.field, ctx.params);
      if (item.cast !== undefined) sql = castSql(ctx, sql, item.cast);
      select.push(`${sql} AS ${ident(outputName(item))}`);
    } else {
      const name = item.alias ?? item.relation;
      const embed = buildEmbed(ctx, base, item, path === '' ? name : `${path}.${name}`);
      joins.push(embed.join);
      embeds.set(name, embed.body);
      if (item.select.length > 0) select.push(`${embed.output} AS ${ident(name)}`);
      if (item.inner) {
        embed.join.filtering = true;
      }
    }
  }
  const scope: Scope = { ...base, embeds };
  const where: string[] = [];
  for (const item of items) {
    if (item.kind === 'embed' && item.inner)
      where.push(`${embeds.get(item.alias ?? item.relation)!} IS NOT NULL`);
  }
  for (const condition of ctx.levels.get(path)?.conditions ?? []) {
    const sql = conditionSql(scope, condition, ctx.params);
    [...embeds.values()].forEach((body, i) => {
      if (sql.includes(body)) joins[i]!.filtering = true;
    });
    where.push(sql);
  }
  return { select, joins, where };
}

function buildEmbed(
  ctx: BuildContext,
  parent: Omit<Scope, 'embeds'>,
  item: Extract<SelectItem, { kind: 'embed' }>,
  path: string,
): { join: Join; body: string; output: string } {
  if (parent.table === null) {
    throw new ApiError(
      400,
      'PGRST200',
      `Could not find a relationship between '${parent.label}' and '${item.relation}' in the schema cache`,
    );
  }
  const relation = findRelation(ctx.cache, parent.table, item.relation, item.hint);
  ctx.usedPaths.add(path);
  const n = ++ctx.counter;
  const alias = `t${n}`;
  const target = relation.target;
  const child = buildLevel(
    ctx,
    { label: target.name, alias, columns: [...target.columns.keys()], table: target },
    item.select,
    path,
  );
  const level = ctx.levels.get(path);
  const joinConds = relation.pairs.map(
    ([p, c]) => `${ident(alias)}.${ident(c)} = ${ident(parent.alias)}.${ident(p)}`,
  );
  const scope: Scope = {
    label: target.name,
    alias,
    columns: [...target.columns.keys()],
    table: target,
    embeds: new Map(),
  };
  let sub =
    `SELECT ${child.select.join(', ')} FROM ${qualified(target.schema, target.name)} AS ${ident(alias)}` +
    `${child.joins.map((j) => ` ${j.sql}`).join('')} WHERE ${[...joinConds, ...child.where].join(' AND ')}`;
  if (level?.order) sub += ` ORDER BY ${orderSql(scope, level.order, ctx.params)}`;
  if (relation.cardinality === 'many' && level?.limit !== undefined)
    sub += ` LIMIT ${ctx.params.add(level.limit)}`;
  if (relation.cardinality === 'many' && level?.offset !== undefined)
    sub += ` OFFSET ${ctx.params.add(level.offset)}`;
  const row = ident(`e${n}`);
  const agg = relation.cardinality === 'one' ? `row_to_json(${row})` : `json_agg(${row})`;
  const lateral = ident(`a${n}`);
  const body = `${lateral}.body`;
  return {
    join: {
      sql: `LEFT JOIN LATERAL (SELECT ${agg} AS body FROM (${sub}) AS ${row}) AS ${lateral} ON TRUE`,
      filtering: false,
    },
    body,
    output: relation.cardinality === 'one' ? body : `COALESCE(${body}, '[]'::json)`,
  };
}

/** Fails with PGRST108 when a filter names an embed that the select does not contain. */
export function checkEmbedPaths(ctx: BuildContext): void {
  for (const path of ctx.levels.keys()) {
    if (!ctx.usedPaths.has(path)) {
      throw new ApiError(
        400,
        'PGRST108',
        `'${path}' is not an embedded resource in this request`,
        null,
        `Verify that '${path}' is included in the 'select' query parameter.`,
      );
    }
  }
}

/** What the top-level read needs. */
export interface ReadPlan {
  /** FROM clause items ending in the level's alias, e.g. `"public"."t" AS "t0"`. */
  readonly from: string;
  readonly level: LevelSql;
  readonly order: string | null;
  readonly limit: number | null;
  readonly offset: number;
  readonly count: boolean;
  readonly singular: boolean;
  /** CTEs to put first (the mutation of a write). */
  readonly ctes: readonly string[];
  /** An extra output column, e.g. the inserted-row count of an upsert. */
  readonly extra?: string;
}

/** The statement that returns one row: total (or NULL), page_total and the JSON body as text. */
export function readStatement(ctx: BuildContext, plan: ReadPlan): string {
  const { level } = plan;
  const joins = level.joins.map((j) => ` ${j.sql}`).join('');
  const where = level.where.length > 0 ? ` WHERE ${level.where.join(' AND ')}` : '';
  let source = `SELECT ${level.select.join(', ')} FROM ${plan.from}${joins}${where}`;
  if (plan.order) source += ` ORDER BY ${plan.order}`;
  if (plan.limit !== null) source += ` LIMIT ${ctx.params.add(plan.limit)}`;
  if (plan.offset > 0) source += ` OFFSET ${ctx.params.add(plan.offset)}`;
  const countJoins = level.joins
    .filter((j) => j.filtering)
    .map((j) => ` ${j.sql}`)
    .join('');
  const total = plan.count ? `(SELECT count(*) FROM ${plan.from}${countJoins}${where})` : 'NULL';
  const body = plan.singular
    ? `COALESCE((json_agg(_t) -> 0)::text, 'null')`
    : `COALESCE(json_agg(_t), '[]'::json)::text`;
  const ctes = [...plan.ctes, `pgrst_source AS (${source})`].join(', ');
  return (
    `WITH ${ctes} SELECT ${total}::int8 AS total, count(*)::int8 AS page_total, ${body} AS body` +
    `${plan.extra ? `, ${plan.extra}` : ''} FROM pgrst_source AS _t`
  );
}
