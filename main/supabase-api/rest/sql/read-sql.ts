import { refersTo } from '../plan/read-planner.js';
import type { EmbedPlan, ReadNode, SelectField } from '../plan/read-plan.js';
import type { Relationship } from '../schema-cache/schema-types.js';
import { castSql, conditionSql, fieldSql, orderSql, relatedKey } from './expressions.js';
import { ident, qualified, type SqlParams } from './sql-params.js';

/**
 * SQL from a read plan (PostgREST's QueryBuilder): each node becomes a SELECT over its relation, each embed a
 * LEFT JOIN LATERAL that is correlated with the parent row by the relationship's columns. Identifiers come
 * from the plan (checked against the schema cache) and are quoted; values are bound parameters.
 */

/** An output column of a level: its SQL and the name it is shown under. */
export interface OutputColumn {
  readonly sql: string;
  readonly name: string;
}

/** A lateral join of an embed; `filtering` when the level's WHERE depends on it (so counts need it too). */
export interface JoinSql {
  readonly sql: string;
  readonly filtering: boolean;
}

/** The pieces of one level's SELECT. */
export interface LevelSql {
  readonly select: readonly OutputColumn[];
  readonly joins: readonly JoinSql[];
  readonly where: readonly string[];
  /** GROUP BY as positions of the select list (so parameterised expressions need not be repeated). */
  readonly groupBy: readonly number[];
  /** The columns related order terms refer to, by relatedKey. */
  readonly orderRefs: ReadonlyMap<string, string>;
}

/** What an embed adds to its parent level. */
interface EmbedSql {
  readonly join: string;
  /** SQL that is NULL when the embed found nothing (for `!inner` and `embed=is.null`). */
  readonly presence: string;
  readonly columns: readonly OutputColumn[];
  /** Output fields of the embed its parent orders by (related order), by output name. */
  readonly orderRefs: ReadonlyMap<string, string>;
}

function selectFieldSql(
  node: ReadNode,
  field: Exclude<SelectField, { kind: 'embed' }>,
  params: SqlParams,
): string {
  if (field.kind === 'count') {
    return field.aggregateCast ? castSql('count(*)', field.aggregateCast) : 'count(*)';
  }
  let sql = fieldSql(node.alias, field.field, params);
  if (field.cast) sql = castSql(sql, field.cast);
  if (field.aggregate) {
    sql = `${field.aggregate}(${sql})`;
    if (field.aggregateCast) sql = castSql(sql, field.aggregateCast);
  }
  return sql;
}

/** The select list, lateral joins, WHERE and GROUP BY of one node. */
export function levelSql(node: ReadNode, params: SqlParams): LevelSql {
  const select: OutputColumn[] = [];
  const joins: JoinSql[] = [];
  const where: string[] = [];
  const groupBy: number[] = [];
  const presence = new Map<EmbedPlan, string>();
  const orderRefs = new Map<string, string>();
  for (const field of node.select) {
    if (field.kind === 'embed') {
      const { embed } = field;
      const ordered = node.order.flatMap((t) => (t.related?.embed === embed ? [t.related.output] : []));
      const built = embedSql(node, embed, params, ordered);
      presence.set(embed, built.presence);
      for (const [output, ref] of built.orderRefs) orderRefs.set(relatedKey({ embed, output }), ref);
      for (const column of built.columns) {
        // An aggregating level groups by its embeds too; json has no equality, jsonb has.
        const grouped = node.grouped && embed.mode === 'json';
        select.push(grouped ? { ...column, sql: `(${column.sql})::jsonb` } : column);
        if (node.grouped) groupBy.push(select.length);
      }
      joins.push({ sql: built.join, filtering: embed.inner || node.where.some((w) => refersTo(w, embed)) });
      if (embed.inner) where.push(`${built.presence} IS NOT NULL`);
    } else {
      select.push({ sql: selectFieldSql(node, field, params), name: field.name });
      const aggregated = field.kind === 'count' || field.aggregate !== undefined;
      if (node.grouped && !aggregated) groupBy.push(select.length);
    }
  }
  for (const tree of node.where) {
    where.push(conditionSql(node.alias, tree, params, (embed) => presence.get(embed) ?? 'NULL'));
  }
  return { select, joins, where, groupBy, orderRefs };
}

/** The FROM and WHERE that join the related rows to the parent row (through the junction for M2M). */
function joinSql(
  rel: Relationship,
  alias: string,
  n: string,
  parentAlias: string,
): { from: string; where: string[] } {
  const parent = ident(parentAlias);
  if (rel.cardinality === 'computed') {
    // The function is called with the parent row, cast to the origin's type (a mutation's rows come from a
    // CTE; the cast also picks the overload), as PostgREST's fromF does.
    const row = `${parent}::${qualified(rel.table.schema, rel.table.name)}`;
    return {
      from: `${qualified(rel.function.schema, rel.function.name)}(${row}) AS ${ident(alias)}`,
      where: [],
    };
  }
  const target = `${qualified(rel.foreignTable.schema, rel.foreignTable.name)} AS ${ident(alias)}`;
  if (rel.cardinality !== 'm2m') {
    return {
      from: target,
      where: rel.columns.map(([origin, col]) => `${ident(alias)}.${ident(col)} = ${parent}.${ident(origin)}`),
    };
  }
  const j = ident(`j${n}`);
  const { junction } = rel;
  const on = junction.targetColumns.map(
    ([col, jcol]) => `${j}.${ident(jcol)} = ${ident(alias)}.${ident(col)}`,
  );
  return {
    from: `${target} INNER JOIN ${qualified(junction.table.schema, junction.table.name)} AS ${j} ON ${on.join(' AND ')}`,
    where: junction.sourceColumns.map(([origin, jcol]) => `${j}.${ident(jcol)} = ${parent}.${ident(origin)}`),
  };
}

function groupBySql(positions: readonly number[], shift: number): string {
  return positions.length > 0 ? ` GROUP BY ${positions.map((p) => p + shift).join(', ')}` : '';
}

/**
 * The lateral join of an embed, as PostgREST builds it: the related rows (filtered, ordered and limited by
 * the embed's own query parameters) correlated with the parent row. A to-one embed becomes the row's JSON
 * object or NULL, a to-many one the JSON array of its rows (NULL when empty; the output makes that `[]`).
 * A spread keeps the related row's columns, which the parent shows as its own: a to-one spread's values,
 * a to-many spread's values gathered into one array per column (PostgREST 13).
 */
function embedSql(
  parent: ReadNode,
  embed: EmbedPlan,
  params: SqlParams,
  orderedBy: readonly string[],
): EmbedSql {
  const { node } = embed;
  const n = node.alias.slice(1);
  const child = levelSql(node, params);
  const { from, where } = joinSql(embed.relationship, node.alias, n, parent.alias);
  const ordered =
    node.order.length > 0 ? ` ORDER BY ${orderSql(node.alias, node.order, params, child.orderRefs)}` : '';
  let range = '';
  if (!embed.toOne && node.limit !== undefined) range += ` LIMIT ${params.add(node.limit)}`;
  if (!embed.toOne && node.offset !== undefined) range += ` OFFSET ${params.add(node.offset)}`;
  const joins = child.joins.map((j) => ` ${j.sql}`).join('');
  const conditions = [...where, ...child.where];
  const filter = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  const lateral = ident(embed.joinAlias);
  if (embed.mode === 'spread') {
    // Positional names inside the subquery, so a spread column can never clash with the marker column.
    const cols = child.select.map((c, i) => `${c.sql} AS ${ident(`c${i}`)}`);
    if (embed.toOne) {
      const body = `${from}${joins}${filter}${groupBySql(child.groupBy, 1)}${ordered}${range}`;
      const refs = new Map<string, string>();
      for (const output of orderedBy) {
        const i = child.select.findIndex((c) => c.name === output);
        if (i >= 0) refs.set(output, `${lateral}.${ident(`c${i}`)}`);
      }
      return {
        join: `LEFT JOIN LATERAL (SELECT TRUE AS pgrst_found${cols.map((c) => `, ${c}`).join('')} FROM ${body}) AS ${lateral} ON TRUE`,
        presence: `${lateral}.pgrst_found`,
        columns: child.select.map((c, i) => ({ sql: `${lateral}.${ident(`c${i}`)}`, name: c.name })),
        orderRefs: refs,
      };
    }
    const body = `${from}${joins}${filter}${groupBySql(child.groupBy, 0)}${ordered}${range}`;
    const s = ident(`s${n}`);
    const aggs = child.select
      .map((_, i) => `, json_agg(${s}.${ident(`c${i}`)}) AS ${ident(`c${i}`)}`)
      .join('');
    return {
      join: `LEFT JOIN LATERAL (SELECT bool_or(TRUE) AS pgrst_found${aggs} FROM (SELECT ${cols.join(', ')} FROM ${body}) AS ${s}) AS ${lateral} ON TRUE`,
      presence: `${lateral}.pgrst_found`,
      columns: child.select.map((c, i) => ({
        sql: `COALESCE(${lateral}.${ident(`c${i}`)}, '[]'::json)`,
        name: c.name,
      })),
      orderRefs: new Map(),
    };
  }
  const body = `${from}${joins}${filter}${groupBySql(child.groupBy, 0)}${ordered}${range}`;
  const row = ident(`e${n}`);
  const sub = `SELECT ${child.select.map((c) => `${c.sql} AS ${ident(c.name)}`).join(', ')} FROM ${body}`;
  const agg = embed.toOne ? `row_to_json(${row})` : `json_agg(${row})`;
  const value = `${lateral}.body`;
  // A to-one embed also exposes the columns its parent orders by (related order), as o0, o1...
  const refs = new Map<string, string>();
  const extra = orderedBy.map((output, i) => {
    refs.set(output, `${lateral}.${ident(`o${i}`)}`);
    return `, ${row}.${ident(output)} AS ${ident(`o${i}`)}`;
  });
  return {
    orderRefs: refs,
    join: `LEFT JOIN LATERAL (SELECT ${agg} AS body${extra.join('')} FROM (${sub}) AS ${row}) AS ${lateral} ON TRUE`,
    presence: value,
    // An embed that outputs nothing (`rel()`, or `rel(other())` whose embeds output nothing either) is
    // left out of its parent, as PostgREST 12.2.2 does (#3093); it still filters with !inner or is.null.
    columns:
      child.select.length === 0
        ? []
        : [{ sql: embed.toOne ? value : `COALESCE(${value}, '[]'::json)`, name: embed.name }],
  };
}

/** How the top level of a read is answered. */
export interface StatementOptions {
  /** FROM clause items ending in the top node's alias, e.g. `"public"."t" AS "t0"`. */
  readonly from: string;
  readonly limit: number | null;
  readonly offset: number;
  readonly count: boolean;
  /** Count no further than this many rows (count=estimated). */
  readonly countLimit?: number;
  readonly singular: boolean;
  /** Make the body CSV (`text/csv`): a header of the keys, then one line per row. */
  readonly csv?: boolean;
  /** Leave out keys whose value is null (`nulls=stripped`), as json_strip_nulls does. */
  readonly stripNulls?: boolean;
  /** CTEs to put first (the mutation of a write). */
  readonly ctes?: readonly string[];
  /** An extra output column, e.g. the inserted-row count of an upsert. */
  readonly extra?: string;
}

/** The SELECT of the top node (pgrst_source), without the outer aggregation. */
export function sourceSql(
  node: ReadNode,
  level: LevelSql,
  options: StatementOptions,
  params: SqlParams,
): string {
  const joins = level.joins.map((j) => ` ${j.sql}`).join('');
  const where = level.where.length > 0 ? ` WHERE ${level.where.join(' AND ')}` : '';
  const columns = level.select.map((c) => `${c.sql} AS ${ident(c.name)}`).join(', ');
  let source = `SELECT ${columns} FROM ${options.from}${joins}${where}${groupBySql(level.groupBy, 0)}`;
  if (node.order.length > 0)
    source += ` ORDER BY ${orderSql(node.alias, node.order, params, level.orderRefs)}`;
  if (options.limit !== null) source += ` LIMIT ${params.add(options.limit)}`;
  if (options.offset > 0) source += ` OFFSET ${params.add(options.offset)}`;
  return source;
}

/**
 * The query that counts what the top node selects before limit and offset: its FROM, the joins its filters
 * need, its WHERE (and its groups, when it aggregates).
 */
export function countSql(level: LevelSql, from: string): string {
  const joins = level.joins
    .filter((j) => j.filtering)
    .map((j) => ` ${j.sql}`)
    .join('');
  const where = level.where.length > 0 ? ` WHERE ${level.where.join(' AND ')}` : '';
  if (level.groupBy.length === 0) return `SELECT 1 FROM ${from}${joins}${where}`;
  const all = level.joins.map((j) => ` ${j.sql}`).join('');
  const columns = level.select.map((c) => c.sql).join(', ');
  return `SELECT ${columns} FROM ${from}${all}${where}${groupBySql(level.groupBy, 0)}`;
}

/**
 * PostgREST's CSV body (SqlFragment.hs asCsvF): the keys of the first row as the header, then each row's
 * text form without its parentheses, one per line.
 */
const CSV_BODY =
  `(SELECT coalesce(string_agg(a.k, ','), '') FROM (SELECT json_object_keys(r)::text AS k FROM ` +
  `(SELECT row_to_json(hh) AS r FROM pgrst_source AS hh LIMIT 1) AS s) AS a)` +
  ` || E'\\n' || coalesce(string_agg(substring(_t::text, 2, length(_t::text) - 2), E'\\n'), '')`;

/**
 * The statement that returns one row: total (or NULL), page_total and the JSON body as text, PostgREST's
 * pgrst_source CTE and outer aggregate.
 */
export function readStatement(node: ReadNode, options: StatementOptions, params: SqlParams): string {
  const level = levelSql(node, params);
  const source = sourceSql(node, level, options, params);
  const limited = options.countLimit !== undefined ? ` LIMIT ${params.add(options.countLimit)}` : '';
  const total = options.count
    ? `(SELECT count(*) FROM (${countSql(level, options.from)}${limited}) AS _c)`
    : 'NULL';
  let body: string;
  const strip = (json: string): string => (options.stripNulls ? `json_strip_nulls(${json})` : json);
  if (options.csv) body = CSV_BODY;
  else if (options.singular) body = `COALESCE((${strip('json_agg(_t) -> 0')})::text, 'null')`;
  else body = `COALESCE(${strip('json_agg(_t)')}, '[]'::json)::text`;
  const ctes = [...(options.ctes ?? []), `pgrst_source AS (${source})`].join(', ');
  return (
    `WITH ${ctes} SELECT ${total}::int8 AS total, count(*)::int8 AS page_total, ${body} AS body` +
    `${options.extra ? `, ${options.extra}` : ''} FROM pgrst_source AS _t`
  );
}
