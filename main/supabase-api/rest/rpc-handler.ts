import type pg from 'pg';

import { ApiError } from './api-error.js';
import { inTransaction, Rollback } from './executor.js';
import { checkJsonDepth } from './parse/json-depth.js';
import { countsCall, maxAffected, preferenceApplied } from './parse/prefer.js';
import { parseQueryParams } from './parse/query-params.js';
import { planRead } from './plan/read-planner.js';
import { checkSingular, explainResult, readResult } from './read-handler.js';
import { qualifiedKey, type SchemaCache } from './schema-cache/schema-cache.js';
import { callSql, chooseFunction } from './sql/call-sql.js';
import { readStatement } from './sql/read-sql.js';
import { SqlParams } from './sql/sql-params.js';
import type { RestRequest, RestResult, StatementRow } from './rest-types.js';
import { checkMaxAffected } from './write-handler.js';

function bodyArgs(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  checkJsonDepth(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'PGRST102', 'Empty or invalid json');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(400, 'PGRST102', 'Empty or invalid json', 'The request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** POST/GET/HEAD /rpc/{fn}: calls the function; set-returning results take filters, order, limit, count. */
export async function callRpc(
  client: pg.ClientBase,
  cache: SchemaCache,
  req: RestRequest,
  maxRows: number,
): Promise<RestResult> {
  const candidates = cache.functions.get(qualifiedKey(req.schema, req.name)) ?? [];
  const argNames = new Set(candidates.flatMap((f) => f.args.map((a) => a.name)));
  const isGet = req.method === 'GET' || req.method === 'HEAD';
  const q = parseQueryParams(req.search, (key) => isGet && argNames.has(key));
  let args: Record<string, unknown>;
  if (isGet) {
    args = {};
    for (const [key, values] of q.rpcArgs) args[key] = values.length === 1 ? values[0] : values;
  } else {
    args = bodyArgs(req.body);
  }
  const fn = chooseFunction(cache, req.schema, req.name, Object.keys(args));
  for (const a of fn.args) {
    // Variadic arguments from a query string: one value is a one-element array.
    if (isGet && a.variadic && typeof args[a.name] === 'string') args[a.name] = [args[a.name]];
  }
  const params = new SqlParams();
  const call = callSql(fn, args, isGet ? null : req.body, params);
  const readOnly = isGet || fn.volatility !== 'volatile';
  const top = q.levels.get('');
  const offset = top?.offset ?? 0;
  const limit = fn.returnsSet ? Math.min(top?.limit ?? maxRows, maxRows) : null;
  const prefix = call.argsFrom ? `${call.argsFrom} CROSS JOIN LATERAL ` : '';
  let sql: string;
  if (fn.returnKind === 'composite') {
    const table = fn.returnTable;
    const columns = table ? [...table.columns.keys()] : [...fn.outColumns];
    const node = planRead(cache, { table, label: fn.name, columns }, q, {
      aggregatesEnabled: cache.settings.aggregatesEnabled,
    });
    sql = readStatement(
      node,
      {
        from: `${prefix}${call.call} AS "t0"`,
        limit,
        offset,
        count: countsCall(req.prefer) && fn.returnsSet,
        singular: req.singular || !fn.returnsSet,
        csv: req.media.kind === 'csv',
        stripNulls:
          (req.media.kind === 'json' || req.media.kind === 'object') && req.media.stripNulls === true,
      },
      params,
    );
  } else if (fn.returnKind === 'void') {
    const from = call.argsFrom ? ` FROM ${call.argsFrom}` : '';
    sql = `SELECT NULL::int8 AS total, 0::int8 AS page_total, '' AS body FROM (SELECT ${call.call}${from}) AS _t`;
  } else {
    const from = call.argsFrom ? ` FROM ${call.argsFrom}` : '';
    const all = fn.returnsSet
      ? `SELECT "t0"."pgrst_scalar" FROM ${prefix}${call.call} AS "t0"("pgrst_scalar")`
      : `SELECT ${call.call} AS pgrst_scalar${from}`;
    let source = all;
    if (limit !== null) source += ` LIMIT ${params.add(limit)}`;
    if (fn.returnsSet && offset > 0) source += ` OFFSET ${params.add(offset)}`;
    let body: string;
    if (req.media.kind === 'csv')
      body = `'pgrst_scalar' || E'\\n' || coalesce(string_agg(_t.pgrst_scalar::text, E'\\n'), '')`;
    else if (fn.returnsSet) body = `COALESCE(json_agg(_t.pgrst_scalar), '[]'::json)::text`;
    else body = `COALESCE((json_agg(_t.pgrst_scalar) -> 0)::text, 'null')`;
    const counting = countsCall(req.prefer) && fn.returnsSet;
    const total = counting ? `(SELECT count(*) FROM (${all}) AS _c)` : 'NULL';
    sql = `WITH pgrst_source AS (${source}) SELECT ${total}::int8 AS total, count(*)::int8 AS page_total, ${body} AS body FROM pgrst_source AS _t`;
  }
  const affectLimit = maxAffected(req.prefer);
  if (affectLimit !== undefined && !fn.returnsSet) {
    throw new ApiError(
      400,
      'PGRST128',
      'Function must return SETOF or TABLE when max-affected preference is used with handling=strict',
    );
  }
  if (req.media.kind === 'plan')
    return explainResult(client, cache, req, { text: sql, values: params.values }, readOnly);
  let row = await inTransaction(client, cache, req.context, readOnly, async () => {
    const first = (await client.query<StatementRow>(sql, params.values)).rows[0]!;
    if (fn.returnKind !== 'void') checkSingular(req.singular, first);
    checkMaxAffected(affectLimit, first);
    if (req.prefer.tx === 'rollback') throw new Rollback(first);
    return first;
  });
  if (fn.returnKind === 'void') {
    const applied = preferenceApplied(req.prefer, 'call');
    return { status: 204, body: null, headers: applied ? { 'Preference-Applied': applied } : {} };
  }
  // One value (scalar or composite) counts as one row (PostgREST: Content-Range 0-0/1).
  if (!fn.returnsSet && countsCall(req.prefer)) row = { ...row, total: row.page_total };
  const result = readResult(req, row, offset, 'call');
  const minimal = req.prefer.return === 'minimal';
  return { ...result, status: fn.returnsSet ? result.status : 200, body: minimal ? null : result.body };
}
