import { ApiError } from '../api-error.js';
import { orderSql, type Scope } from '../expressions.js';
import type { SelectItem } from '../query-ast.js';
import type { BuildContext, Join, LevelBase, LevelSql, SelectColumn } from '../read-builder.js';
import type { Relationship } from '../schema-cache/schema-types.js';
import { ident, qualified } from '../sql-params.js';
import { findRelationship, isToOne } from './find-relationship.js';

/** An embed or spread of `select=`. */
export type EmbedItem = Extract<SelectItem, { kind: 'embed' | 'spread' }>;

/** Builds one level of the select tree (read-builder's buildLevel, passed in to keep the modules acyclic). */
export type LevelBuilder = (
  ctx: BuildContext,
  base: LevelBase,
  items: readonly SelectItem[],
  path: string,
) => LevelSql;

/** What an embed adds to its parent level. */
export interface EmbedSql {
  readonly join: Join;
  /** SQL that is NULL when the embed found nothing (for `!inner` and `embed=is.null`). */
  readonly body: string;
  /** The parent's output columns: the embed's JSON, or a spread's columns. */
  readonly columns: readonly SelectColumn[];
}

/** The FROM and WHERE that join the related rows to the parent row (through the junction for M2M). */
function joinSql(rel: Relationship, n: number, parentAlias: string): { from: string; where: string[] } {
  const alias = ident(`t${n}`);
  const target = `${qualified(rel.foreignTable.schema, rel.foreignTable.name)} AS ${alias}`;
  const parent = ident(parentAlias);
  if (rel.cardinality !== 'm2m') {
    return {
      from: target,
      where: rel.columns.map(([origin, col]) => `${alias}.${ident(col)} = ${parent}.${ident(origin)}`),
    };
  }
  const j = ident(`j${n}`);
  const { junction } = rel;
  const on = junction.targetColumns.map(([col, jcol]) => `${j}.${ident(jcol)} = ${alias}.${ident(col)}`);
  return {
    from: `${target} INNER JOIN ${qualified(junction.table.schema, junction.table.name)} AS ${j} ON ${on.join(' AND ')}`,
    where: junction.sourceColumns.map(([origin, jcol]) => `${j}.${ident(jcol)} = ${parent}.${ident(origin)}`),
  };
}

function spreadNotToOne(origin: string, target: string): ApiError {
  return new ApiError(
    400,
    'PGRST119',
    `A spread operation on '${target}' is not possible`,
    `'${origin}' and '${target}' do not form a many-to-one or one-to-one relationship`,
  );
}

/**
 * The lateral join of an embed, as PostgREST builds it: the related rows (filtered, ordered and limited by
 * the embed's own query parameters) correlated with the parent row. A to-one embed becomes the row's JSON
 * object or NULL, a to-many one the JSON array of its rows (NULL when empty; the output makes that `[]`).
 * A spread (`...rel(cols)`, to-one only, else PGRST119) keeps the related row's columns, which the parent
 * then shows as its own.
 */
export function buildEmbed(
  ctx: BuildContext,
  parent: LevelBase,
  item: EmbedItem,
  path: string,
  buildLevel: LevelBuilder,
): EmbedSql {
  if (parent.table === null) {
    throw new ApiError(
      400,
      'PGRST200',
      `Could not find a relationship between '${parent.label}' and '${item.relation}' in the schema cache`,
    );
  }
  const rel = findRelationship(ctx.cache, parent.table, item.relation, item.hint);
  const toOne = isToOne(rel);
  if (item.kind === 'spread' && !toOne) throw spreadNotToOne(parent.table.name, item.relation);
  ctx.usedPaths.add(path);
  const n = ++ctx.counter;
  const target = rel.foreignTable;
  const base: LevelBase = {
    label: target.name,
    alias: `t${n}`,
    columns: [...target.columns.keys()],
    table: target,
  };
  const child = buildLevel(ctx, base, item.select, path);
  const { from, where } = joinSql(rel, n, parent.alias);
  const level = ctx.levels.get(path);
  let tail = '';
  if (level?.order) {
    const scope: Scope = { ...base, embeds: new Map() };
    tail += ` ORDER BY ${orderSql(scope, level.order, ctx.params)}`;
  }
  if (!toOne && level?.limit !== undefined) tail += ` LIMIT ${ctx.params.add(level.limit)}`;
  if (!toOne && level?.offset !== undefined) tail += ` OFFSET ${ctx.params.add(level.offset)}`;
  const body = `${from}${child.joins.map((j) => ` ${j.sql}`).join('')} WHERE ${[...where, ...child.where].join(' AND ')}${tail}`;
  const lateral = ident(`a${n}`);
  if (item.kind === 'spread') {
    // Positional names inside the subquery, so a spread column can never clash with the marker column.
    const cols = child.select.map((c, i) => `, ${c.sql} AS ${ident(`c${i}`)}`).join('');
    return {
      join: {
        sql: `LEFT JOIN LATERAL (SELECT TRUE AS pgrst_found${cols} FROM ${body}) AS ${lateral} ON TRUE`,
        filtering: false,
      },
      body: `${lateral}.pgrst_found`,
      columns: child.select.map((c, i) => ({ sql: `${lateral}.${ident(`c${i}`)}`, name: c.name })),
    };
  }
  const row = ident(`e${n}`);
  const sub = `SELECT ${child.select.map((c) => `${c.sql} AS ${ident(c.name)}`).join(', ')} FROM ${body}`;
  const agg = toOne ? `row_to_json(${row})` : `json_agg(${row})`;
  const value = `${lateral}.body`;
  const name = item.alias ?? item.relation;
  return {
    join: {
      sql: `LEFT JOIN LATERAL (SELECT ${agg} AS body FROM (${sub}) AS ${row}) AS ${lateral} ON TRUE`,
      filtering: false,
    },
    body: value,
    columns:
      item.select.length === 0 ? [] : [{ sql: toOne ? value : `COALESCE(${value}, '[]'::json)`, name }],
  };
}
