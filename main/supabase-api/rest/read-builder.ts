import { ApiError } from './api-error.js';
import { conditionSql, fieldSql, type Scope } from './expressions.js';
import type { LevelParams, SelectItem } from './query-ast.js';
import { buildEmbed } from './embed/embed-builder.js';
import type { SchemaCache } from './schema-cache/schema-cache.js';
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
export interface Join {
  readonly sql: string;
  filtering: boolean;
}

/** An output column of a level: its SQL and the name it is shown under. */
export interface SelectColumn {
  readonly sql: string;
  readonly name: string;
}

/** The pieces of one level of the select tree. */
export interface LevelSql {
  readonly select: SelectColumn[];
  readonly joins: Join[];
  readonly where: string[];
}

/** What a level reads from: a table, view or function result under an alias. */
export type LevelBase = Omit<Scope, 'embeds'>;

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
  base: LevelBase,
  items: readonly SelectItem[],
  path: string,
): LevelSql {
  const select: SelectColumn[] = [];
  const embeds: { name: string; body: string; join: Join }[] = [];
  const bodies = new Map<string, string>();
  const where: string[] = [];
  for (const item of items) {
    if (item.kind === 'star') {
      for (const c of base.columns) select.push({ sql: `${ident(base.alias)}.${ident(c)}`, name: c });
    } else if (item.kind === 'column') {
      let sql = fieldSql({ ...base, embeds: bodies }, item.field, ctx.params);
      if (item.cast !== undefined) sql = castSql(ctx, sql, item.cast);
      select.push({ sql, name: outputName(item) });
    } else {
      const name = item.kind === 'embed' ? (item.alias ?? item.relation) : item.relation;
      const embed = buildEmbed(ctx, base, item, path === '' ? name : `${path}.${name}`, buildLevel);
      embeds.push({ name, body: embed.body, join: embed.join });
      bodies.set(name, embed.body);
      select.push(...embed.columns);
      if (item.inner) {
        embed.join.filtering = true;
        where.push(`${embed.body} IS NOT NULL`);
      }
    }
  }
  const scope: Scope = { ...base, embeds: bodies };
  for (const condition of ctx.levels.get(path)?.conditions ?? []) {
    const sql = conditionSql(scope, condition, ctx.params);
    for (const e of embeds) if (sql.includes(e.body)) e.join.filtering = true;
    where.push(sql);
  }
  return { select, joins: embeds.map((e) => e.join), where };
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
  const columns = level.select.map((c) => `${c.sql} AS ${ident(c.name)}`).join(', ');
  let source = `SELECT ${columns} FROM ${plan.from}${joins}${where}`;
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
