import type pg from 'pg';

import { ApiError } from './api-error.js';
import { readInTransaction, statementName } from './executor.js';
import { preferenceApplied, type PreferenceKind } from './parse/prefer.js';
import { parseQueryParams } from './parse/query-params.js';
import { planRead } from './plan/read-planner.js';
import { readStatement } from './sql/read-sql.js';
import { qualifiedKey, type SchemaCache } from './schema-cache/schema-cache.js';
import type { TableInfo } from './schema-cache/schema-types.js';
import { qualified, SqlParams } from './sql/sql-params.js';
import { jsonContentType, type RestRequest, type RestResult, type StatementRow } from './rest-types.js';

/** The table or view a request names, or 404 PGRST205. */
export function lookupTable(cache: SchemaCache, schema: string, name: string): TableInfo {
  const table = cache.tables.get(qualifiedKey(schema, name));
  if (!table) {
    throw new ApiError(404, 'PGRST205', `Could not find the table '${schema}.${name}' in the schema cache`);
  }
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
  singular: boolean,
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
    'Content-Type': jsonContentType(singular),
    'Content-Range': `${range}/${total ?? '*'}`,
  };
  const applied = preferenceApplied(req.prefer, kind);
  if (applied !== undefined) headers['Preference-Applied'] = applied;
  return { status: partial ? 206 : 200, body: req.method === 'HEAD' ? null : row.body, headers };
}

/** Fails with 406 PGRST116 unless exactly one row came back (the caller's transaction then rolls back). */
export function checkSingular(singular: boolean, row: StatementRow): void {
  if (singular && row.page_total !== '1') {
    throw new ApiError(
      406,
      'PGRST116',
      'Cannot coerce the result to a single JSON object',
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
}

// Built statements per request shape (schema, table, query string, count, singular, max rows). The map
// hangs off the schema cache it was built against, so a reloaded cache starts empty: every identifier in a
// cached statement was checked against the cache that is current. The values are still bound parameters.
const PLAN_CACHE_SIZE = 500;
const planCaches = new WeakMap<SchemaCache, Map<string, ReadPlan>>();

function buildRead(cache: SchemaCache, req: RestRequest, maxRows: number): ReadPlan {
  const table = lookupTable(cache, req.schema, req.name);
  const q = parseQueryParams(req.search);
  const node = planRead(cache, { table, label: table.name, columns: [...table.columns.keys()] }, q, {
    aggregatesEnabled: cache.settings.aggregatesEnabled,
  });
  const params = new SqlParams();
  const offset = node.offset ?? 0;
  const text = readStatement(
    node,
    {
      from: `${qualified(table.schema, table.name)} AS "t0"`,
      limit: Math.min(node.limit ?? maxRows, maxRows),
      offset,
      count: req.prefer.count !== undefined,
      singular: req.singular,
    },
    params,
  );
  return { name: statementName('pgrst_read', text), text, values: params.values, offset };
}

function readPlan(cache: SchemaCache, req: RestRequest, maxRows: number): ReadPlan {
  let plans = planCaches.get(cache);
  if (!plans) {
    plans = new Map();
    planCaches.set(cache, plans);
  }
  const key = [
    req.schema,
    req.name,
    req.prefer.count ?? '',
    req.singular ? '1' : '0',
    maxRows,
    req.search,
  ].join('\0');
  let plan = plans.get(key);
  if (!plan) {
    plan = buildRead(cache, req, maxRows);
    if (plans.size >= PLAN_CACHE_SIZE) plans.clear();
    plans.set(key, plan);
  }
  return plan;
}

/** GET/HEAD on a table or view. */
export async function readTable(
  client: pg.ClientBase,
  cache: SchemaCache,
  req: RestRequest,
  maxRows: number,
): Promise<RestResult> {
  const plan = readPlan(cache, req, maxRows);
  const fields = await readInTransaction(
    client,
    cache,
    req.context,
    plan,
    (first) => checkSingular(req.singular, statementRow(first)),
    { mayRefuse: req.singular, rollback: req.prefer.tx === 'rollback' },
  );
  return readResult(req, statementRow(fields), plan.offset, req.singular, 'read');
}
