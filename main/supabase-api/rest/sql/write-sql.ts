import { ApiError } from '../api-error.js';
import { conditionSql, orderSql } from './expressions.js';
import type { SelectItem } from '../parse/query-ast.js';
import type { LogicTree, PlanOrderTerm } from '../plan/read-plan.js';
import { findRelationship, originColumns } from '../plan/find-relationship.js';
import type { SchemaCache } from '../schema-cache/schema-cache.js';
import type { TableInfo } from '../schema-cache/schema-types.js';
import { ident, qualified, type SqlParams } from './sql-params.js';
import type { WriteBody } from '../parse/write-body.js';

/** RETURNING every column of the written rows: for `*`, and for a computed field or relationship. */
export const ALL_COLUMNS = '"t0".*';

/** Which columns the mutation must return for the requested representation. */
export function returningColumns(cache: SchemaCache, table: TableInfo, items: readonly SelectItem[]): string {
  if (items.some((i) => i.kind === 'star')) return ALL_COLUMNS;
  const cols = new Set<string>();
  for (const item of items) {
    if (item.kind === 'column') cols.add(item.field.name);
    if (item.kind === 'embed' || item.kind === 'spread') {
      const rel = findRelationship(cache, table, item.relation, item.hint);
      // A computed relationship's function takes the whole row, cast to the table's type.
      if (rel.cardinality === 'computed') return ALL_COLUMNS;
      originColumns(rel).forEach((c) => cols.add(c));
    }
  }
  for (const c of cols) {
    if (table.columns.has(c)) continue;
    // A computed field takes the whole row, cast to the table's type: return every column, in order.
    if (cache.computedFields.get(table)?.has(c)) return ALL_COLUMNS;
    throw new ApiError(400, '42703', `column ${table.name}.${c} does not exist`);
  }
  return cols.size > 0 ? [...cols].map((c) => `"t0".${ident(c)}`).join(', ') : '1 AS pgrst_one';
}

function typedColumns(table: TableInfo, cols: readonly string[]): string {
  return cols.map((c) => `${ident(c)} ${table.columns.get(c)!.type}`).join(', ');
}

/** Options of an INSERT. */
export interface InsertOptions {
  readonly missingDefault: boolean;
  readonly onConflict: readonly string[] | null;
  readonly resolution: 'merge-duplicates' | 'ignore-duplicates' | null;
  readonly returning: string;
}

/**
 * Counting the rows a merge upsert inserts, for its status (201 if any, else 200), as PostgREST 12 does
 * (QueryBuilder.hs mutatePlanToQuery, SqlFragment.hs addConfigPgrstInserted): every row the INSERT's SELECT
 * yields adds one to the transaction-local setting pgrst.inserted, every row its DO UPDATE updates takes one
 * away. Not the system column xmax: reading it needs table-level SELECT (a role granted some columns only gets
 * 42501), and a view has none. Each comparison is always true; it only makes the call a valid WHERE.
 */
const INSERTED_SETTING = "nullif(current_setting('pgrst.inserted', true), '')";
const COUNT_INSERT = `set_config('pgrst.inserted', (coalesce(${INSERTED_SETTING}::int, 0) + 1)::text, true) <> '0'`;
const COUNT_UPDATE = `set_config('pgrst.inserted', (coalesce(${INSERTED_SETTING}::int, 0) - 1)::text, true) <> '-1'`;

/**
 * How many rows the merge upsert inserted, read once its CTE has run to the end: only in a query that
 * aggregates over every row the CTE returns.
 */
export const INSERTED_COUNT = `coalesce(${INSERTED_SETTING}::int8, 0)`;

/**
 * The INSERT (or upsert) CTE `pgrst_mut`, reading the body as one json parameter. With missing=default, a
 * column no row has a key for is left out of the column list, so it takes its DEFAULT however the column
 * makes it (identity, generated, serial); a column only some rows lack gets its default expression in those.
 */
export function insertCte(table: TableInfo, body: WriteBody, opts: InsertOptions, params: SqlParams): string {
  const target = `${qualified(table.schema, table.name)} AS "t0"`;
  const merge = opts.resolution === 'merge-duplicates';
  const returning = opts.returning;
  const counted = merge ? ` WHERE ${COUNT_INSERT}` : '';
  const columns = opts.missingDefault ? body.columns.filter((c) => body.present.has(c)) : body.columns;
  const json = params.add(body.arrayJson);
  if (columns.length === 0) {
    // Every row is all defaults: a zero-column SELECT inserts one such row per element.
    return `pgrst_mut AS (INSERT INTO ${target} SELECT FROM json_array_elements(${json}::json)${counted} RETURNING ${returning})`;
  }
  const list = columns.map(ident).join(', ');
  let select: string;
  if (opts.missingDefault) {
    const values = columns.map((c) => {
      const fallback = table.columns.get(c)!.defaultExpr ?? 'NULL';
      return `CASE WHEN _e.j::jsonb ? ${params.add(c)}::text THEN _r.${ident(c)} ELSE ${fallback} END`;
    });
    select =
      `SELECT ${values.join(', ')} FROM json_array_elements(${json}::json) AS _e(j)` +
      ` CROSS JOIN LATERAL json_to_record(_e.j) AS _r(${typedColumns(table, columns)})`;
  } else {
    select = `SELECT ${list} FROM json_to_recordset(${json}::json) AS _b(${typedColumns(table, columns)})`;
  }
  let conflict = '';
  if (opts.resolution !== null) {
    const keys = opts.onConflict ?? table.primaryKey;
    for (const k of keys) {
      if (!table.columns.has(k)) throw new ApiError(400, '42703', `column ${table.name}.${k} does not exist`);
    }
    if (keys.length === 0) {
      throw new ApiError(
        400,
        '42P10',
        'there is no unique or exclusion constraint matching the ON CONFLICT specification',
      );
    }
    const set = columns.map((c) => `${ident(c)} = EXCLUDED.${ident(c)}`).join(', ');
    const action = merge && set !== '' ? `DO UPDATE SET ${set} WHERE ${COUNT_UPDATE}` : 'DO NOTHING';
    conflict = ` ON CONFLICT (${keys.map(ident).join(', ')}) ${action}`;
  }
  return `pgrst_mut AS (INSERT INTO ${target} (${list}) ${select}${counted}${conflict} RETURNING ${returning})`;
}

/** The rows a limited update or delete changes (PostgREST 12's `limit`/`offset` with an `order`). */
export interface MutationRange {
  readonly order: readonly PlanOrderTerm[];
  readonly limit?: number;
  readonly offset?: number;
}

function whereSql(
  table: TableInfo,
  conditions: readonly LogicTree[],
  params: SqlParams,
  verb: string,
  range: MutationRange | null,
): string {
  if (range !== null) {
    // As PostgREST 12's limited update/delete: the rows the filters select, ordered and sliced, by ctid.
    const l = '"pgrst_l"';
    const where = conditions.map((c) => conditionSql('pgrst_l', c, params, () => 'NULL')).join(' AND ');
    let slice = ` ORDER BY ${orderSql('pgrst_l', range.order, params)}`;
    if (range.limit !== undefined) slice += ` LIMIT ${params.add(range.limit)}`;
    if (range.offset !== undefined) slice += ` OFFSET ${params.add(range.offset)}`;
    return `"t0".ctid IN (SELECT ${l}.ctid FROM ${qualified(table.schema, table.name)} AS ${l}${where ? ` WHERE ${where}` : ''}${slice})`;
  }
  // As pg-safeupdate does on Supabase: a mutation of every row needs an explicit filter.
  if (conditions.length === 0) throw new ApiError(400, '21000', `${verb} requires a WHERE clause`);
  return conditions.map((c) => conditionSql('t0', c, params, () => 'NULL')).join(' AND ');
}

/** The UPDATE CTE `pgrst_mut`: sets the body's columns on the rows the filters select. */
export function updateCte(
  table: TableInfo,
  body: WriteBody,
  conditions: readonly LogicTree[],
  returning: string,
  params: SqlParams,
  range: MutationRange | null = null,
): string {
  const where = whereSql(table, conditions, params, 'UPDATE', range);
  const set = body.columns.map((c) => `${ident(c)} = _b.${ident(c)}`).join(', ');
  const from = `json_to_record(${params.add(body.objectJson)}::json) AS _b(${typedColumns(table, body.columns)})`;
  return `pgrst_mut AS (UPDATE ${qualified(table.schema, table.name)} AS "t0" SET ${set} FROM ${from} WHERE ${where} RETURNING ${returning})`;
}

/** The DELETE CTE `pgrst_mut`. */
export function deleteCte(
  table: TableInfo,
  conditions: readonly LogicTree[],
  returning: string,
  params: SqlParams,
  range: MutationRange | null = null,
): string {
  const where = whereSql(table, conditions, params, 'DELETE', range);
  return `pgrst_mut AS (DELETE FROM ${qualified(table.schema, table.name)} AS "t0" WHERE ${where} RETURNING ${returning})`;
}
