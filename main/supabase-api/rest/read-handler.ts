import type pg from 'pg';

import { ApiError } from './api-error.js';
import { inTransaction, readInTransaction, Rollback, statementName } from './executor.js';
import { contentType, explainPrefix } from './media.js';
import { preferenceApplied, type PreferenceKind } from './parse/prefer.js';
import { parseQueryParams } from './parse/query-params.js';
import { planRead } from './plan/read-planner.js';
import { countSql, levelSql, readStatement } from './sql/read-sql.js';
import { qualifiedKey, type SchemaCache } from './schema-cache/schema-cache.js';
import type { TableInfo } from './schema-cache/schema-types.js';
import { qualified, SqlParams } from './sql/sql-params.js';
import type { RestRequest, RestResult, StatementRow } from './rest-types.js';

/**
 * The table or view a request names, or PostgREST 12's answer for an unknown one: 404 with PostgreSQL's
 * 42P01 (PGRST205 and its "Perhaps you meant the table" hint came with PostgREST 13).
 */
export function lookupTable(cache: SchemaCache, schema: string, name: string): TableInfo {
  const table = cache.tables.get(qualifiedKey(schema, name));
  if (!table) throw new ApiError(404, '42P01', `relation "${schema}.${name}" does not exist`);
  return table;
}

/** The row of a read statement from its fields in column order: total, page_total, body. */
function statementRow(fields: readonly (string | null)[]): StatementRow {
  return { total: fields[0] ?? null, page_total: fields[1] ?? '0', body: fields[2] ?? '[]' };
}

/** Status and headers of a read: Content-Range, 206 for a partial page, 416 past the end. */
export function readResult(
  req: RestRequest,
  row: StatementRow,
  offset: number,
  kind: PreferenceKind,
): RestResult {
  const pageTotal = Number(row.page_total);
  const total = row.total === null ? null : Number(row.total);
  if (total !== null && offset > total) {
    throw new ApiError(
      416,
      'PGRST103',
      'Requested range not satisfiable',
      `An offset of ${offset} was requested, but there are only ${total} rows.`,
    );
  }
  const range = pageTotal === 0 ? '*' : `${offset}-${offset + pageTotal - 1}`;
  const partial = total !== null && total > 0 && !(offset === 0 && pageTotal >= total);
  const headers: Record<string, string> = {
    'Content-Type': contentType(req.media),
    'Content-Range': `${range}/${total ?? '*'}`,
  };
  const applied = preferenceApplied(req.prefer, kind);
  if (applied !== undefined) headers['Preference-Applied'] = applied;
  return { status: partial ? 206 : 200, body: req.method === 'HEAD' ? null : row.body, headers };
}

/**
 * Fails with 406 PGRST116 unless exactly one row came back (the caller's transaction then rolls back). The
 * message is PostgREST 12's; 13 rewords it as "Cannot coerce the result to a single JSON object".
 */
export function checkSingular(singular: boolean, row: StatementRow): void {
  if (singular && row.page_total !== '1') {
    throw new ApiError(
      406,
      'PGRST116',
      'JSON object requested, multiple (or no) rows returned',
      `The result contains ${row.page_total} rows`,
    );
  }
}

/** A built read: the statement and its bound values, reusable for the same request shape. */
interface ReadPlan {
  readonly name: string;
  readonly text: string;
  readonly values: readonly unknown[];
  readonly offset: number;
  /** The count query (for EXPLAIN with count=planned|estimated) and its own values. */
  readonly count: { readonly text: string; readonly values: readonly unknown[] };
}

// Built statements per request shape (schema, table, query string, count, media, max rows). The map hangs
// off the schema cache it was built against, so a reloaded cache starts empty: every identifier in a cached
// statement was checked against the cache that is current. The values are still bound parameters.
const PLAN_CACHE_SIZE = 500;
const planCaches = new WeakMap<SchemaCache, Map<string, ReadPlan>>();

function buildRead(cache: SchemaCache, req: RestRequest, maxRows: number): ReadPlan {
  const table = lookupTable(cache, req.schema, req.name);
  const q = parseQueryParams(req.search);
  const node = planRead(cache, { table, label: table.name, columns: [...table.columns.keys()] }, q, {
    aggregatesEnabled: cache.settings.aggregatesEnabled,
  });
  const from = `${qualified(table.schema, table.name)} AS "t0"`;
  const params = new SqlParams();
  const offset = node.offset ?? 0;
  const counting = req.prefer.count === 'exact' || req.prefer.count === 'estimated';
  const text = readStatement(
    node,
    {
      from,
      limit: Math.min(node.limit ?? maxRows, maxRows),
      offset,
      count: counting,
      // count=estimated counts exactly only up to max rows + 1, then asks the planner (PostgREST).
      ...(req.prefer.count === 'estimated' ? { countLimit: maxRows + 1 } : {}),
      singular: req.singular,
      csv: req.media.kind === 'csv' || (req.media.kind === 'plan' && req.media.for === 'csv'),
      stripNulls: (req.media.kind === 'json' || req.media.kind === 'object') && req.media.stripNulls === true,
    },
    params,
  );
  const countParams = new SqlParams();
  const countText = countSql(levelSql(node, countParams), from);
  return {
    name: statementName('pgrst_read', text),
    text,
    values: params.values,
    offset,
    count: { text: countText, values: countParams.values },
  };
}

function readPlan(cache: SchemaCache, req: RestRequest, maxRows: number): ReadPlan {
  let plans = planCaches.get(cache);
  if (!plans) {
    plans = new Map();
    planCaches.set(cache, plans);
  }
  const media =
    req.media.kind === 'plan'
      ? `plan:${req.media.for}`
      : `${req.media.kind}${'stripNulls' in req.media && req.media.stripNulls ? ':strip' : ''}`;
  const key = [req.schema, req.name, req.prefer.count ?? '', media, maxRows, req.search].join('\0');
  let plan = plans.get(key);
  if (!plan) {
    plan = buildRead(cache, req, maxRows);
    if (plans.size >= PLAN_CACHE_SIZE) plans.clear();
    plans.set(key, plan);
  }
  return plan;
}

/** The planner's row estimate for a query: "Plan Rows" of EXPLAIN (FORMAT JSON), as PostgREST reads it. */
export async function plannedRows(
  client: pg.ClientBase,
  query: { readonly text: string; readonly values: readonly unknown[] },
): Promise<number> {
  const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
    `EXPLAIN (FORMAT JSON) ${query.text}`,
    [...query.values],
  );
  return rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0;
}

/** `Accept: application/vnd.pgrst.plan`: the EXPLAIN output of a statement, run in the request's transaction. */
export async function explainResult(
  client: pg.ClientBase,
  cache: SchemaCache,
  req: RestRequest,
  statement: { readonly text: string; readonly values: readonly unknown[] },
  readOnly: boolean,
): Promise<RestResult> {
  if (req.media.kind !== 'plan') throw new Error('not a plan request');
  const media = req.media;
  const rows = await inTransaction(client, cache, req.context, readOnly, async () => {
    const result = await client.query<{ 'QUERY PLAN': unknown }>(`${explainPrefix(media)}${statement.text}`, [
      ...statement.values,
    ]);
    // EXPLAIN ANALYZE runs the statement: a write explained so is not kept.
    if (!readOnly) throw new Rollback(result.rows);
    return result.rows;
  });
  const body =
    media.format === 'json'
      ? JSON.stringify(rows[0]?.['QUERY PLAN'] ?? [])
      : rows.map((r) => String(r['QUERY PLAN'])).join('\n');
  return { status: 200, body, headers: { 'Content-Type': contentType(media) } };
}

/** GET/HEAD on a table or view. */
export async function readTable(
  client: pg.ClientBase,
  cache: SchemaCache,
  req: RestRequest,
  maxRows: number,
): Promise<RestResult> {
  const plan = readPlan(cache, req, maxRows);
  if (req.media.kind === 'plan') return explainResult(client, cache, req, plan, true);
  const planned = req.prefer.count === 'planned' || req.prefer.count === 'estimated';
  let estimate: number | null = null;
  const fields = await readInTransaction(
    client,
    cache,
    req.context,
    plan,
    (first) => checkSingular(req.singular, statementRow(first)),
    {
      mayRefuse: req.singular,
      rollback: req.prefer.tx === 'rollback',
      ...(planned
        ? {
            beforeEnd: async (first: readonly (string | null)[]) => {
              const exact = Number(first[0] ?? 0);
              if (req.prefer.count === 'planned' || exact > maxRows) {
                estimate = await plannedRows(client, plan.count);
              }
            },
          }
        : {}),
    },
  );
  let row = statementRow(fields);
  if (estimate !== null) {
    const exact = Number(row.total ?? 0);
    const total = req.prefer.count === 'planned' ? estimate : Math.max(exact, estimate);
    row = { ...row, total: String(total) };
  }
  return readResult(req, row, plan.offset, 'read');
}
