import type pg from 'pg';

import { ApiError } from './api-error.js';
import { inTransaction, Rollback } from './executor.js';
import { maxAffected, preferenceApplied } from './parse/prefer.js';
import type { LevelParams } from './parse/query-ast.js';
import { parseQueryParams } from './parse/query-params.js';
import { parseWriteBody } from './parse/write-body.js';
import { planConditions, planMutationOrder, planRead } from './plan/read-planner.js';
import { checkSingular, explainResult, lookupTable } from './read-handler.js';
import type { SchemaCache } from './schema-cache/schema-cache.js';
import { readStatement } from './sql/read-sql.js';
import { ident, SqlParams } from './sql/sql-params.js';
import {
  deleteCte,
  insertCte,
  INSERTED_COUNT,
  returningColumns,
  updateCte,
  type InsertOptions,
  type MutationRange,
} from './sql/write-sql.js';
import type { RestRequest, RestResult, StatementRow } from './rest-types.js';
import { contentType } from './media.js';

/** POST (insert/upsert), PATCH (update) and DELETE on a table or view. */
export async function writeTable(
  client: pg.ClientBase,
  cache: SchemaCache,
  req: RestRequest,
): Promise<RestResult> {
  const table = lookupTable(cache, req.schema, req.name);
  const q = parseQueryParams(req.search);
  const params = new SqlParams();
  const representation = req.prefer.return === 'representation';
  // return=headers-only on an insert: the Location of the first row, by its primary key (PostgREST).
  const located =
    req.method === 'POST' && req.prefer.return === 'headers-only' && table.primaryKey.length > 0;
  let returning = representation ? returningColumns(cache, table, q.select) : '1 AS pgrst_one';
  if (located) returning = table.primaryKey.map((c) => `"t0".${ident(c)}`).join(', ');
  const base = { table, label: table.name, columns: [...table.columns.keys()] };
  const conditions = planConditions(cache, base, q.levels.get('')?.conditions ?? []);
  // A table without a primary key and no on_conflict has no key to resolve conflicts on: PostgREST ignores the
  // resolution (a plain insert, 201) and does not report it as applied.
  const noKey = table.primaryKey.length === 0 && q.onConflict === undefined;
  const resolution = noKey ? null : (req.prefer.resolution ?? null);
  const merge = req.method === 'POST' && resolution === 'merge-duplicates';
  const range = req.method === 'POST' ? null : mutationRange(cache, base, q.levels.get(''));

  let cte: string | null;
  if (req.method === 'POST') {
    const body = parseWriteBody(req.body, table, q.columns, true);
    const options: InsertOptions = {
      missingDefault: req.prefer.missing === 'default',
      onConflict: q.onConflict ?? null,
      resolution,
      returning,
    };
    cte = body.rows === 0 ? null : insertCte(table, body, options, params);
  } else if (req.method === 'PATCH') {
    const body = parseWriteBody(req.body, table, q.columns, false);
    cte = body.columns.length === 0 ? null : updateCte(table, body, conditions, returning, params, range);
  } else {
    cte = deleteCte(table, conditions, returning, params, range);
  }

  let sql: string | null = null;
  if (cte !== null) {
    // Both statements below aggregate over every written row, so the count is read after the upsert ran.
    const inserted = merge ? `${INSERTED_COUNT} AS inserted` : undefined;
    if (representation) {
      // The mutation already applied the filters; the representation only shapes (and embeds) its rows.
      const levels = new Map<string, LevelParams>(q.levels);
      levels.set('', { conditions: [] });
      const node = planRead(
        cache,
        base,
        { select: q.select, levels },
        {
          aggregatesEnabled: cache.settings.aggregatesEnabled,
        },
      );
      sql = readStatement(
        node,
        {
          from: 'pgrst_mut AS "t0"',
          limit: null,
          offset: 0,
          count: false,
          singular: req.singular,
          csv: req.media.kind === 'csv',
          stripNulls:
            (req.media.kind === 'json' || req.media.kind === 'object') && req.media.stripNulls === true,
          ctes: [cte],
          ...(inserted ? { extra: inserted } : {}),
        },
        params,
      );
    } else {
      sql =
        `WITH ${cte} SELECT NULL::int8 AS total, count(*)::int8 AS page_total, '' AS body` +
        `${inserted ? `, ${inserted}` : ''}` +
        `${located ? `, (SELECT row_to_json(_l) FROM (SELECT ${table.primaryKey.map(ident).join(', ')} FROM pgrst_mut LIMIT 1) AS _l)::text AS location` : ''}` +
        ` FROM pgrst_mut`;
    }
  }

  if (req.media.kind === 'plan' && sql !== null) {
    return explainResult(client, cache, req, { text: sql, values: params.values }, false);
  }
  const empty: StatementRow = { total: null, page_total: '0', body: req.singular ? 'null' : '[]' };
  const limit = req.method === 'POST' ? undefined : maxAffected(req.prefer);
  const row = await inTransaction(client, cache, req.context, false, async () => {
    const result = sql === null ? empty : (await client.query<StatementRow>(sql, params.values)).rows[0]!;
    checkSingular(req.singular, result);
    checkMaxAffected(limit, result);
    if (req.prefer.tx === 'rollback') throw new Rollback(result);
    return result;
  });
  return writeResult(req, row, merge, representation, noKey);
}

/**
 * `limit`/`offset` on a PATCH or DELETE: PostgREST 12 changes only that slice of the filtered rows, in the
 * request's `order` (400 PGRST109 without one). PostgREST 13 dropped the feature.
 */
function mutationRange(
  cache: SchemaCache,
  base: Parameters<typeof planMutationOrder>[1],
  top: LevelParams | undefined,
): MutationRange | null {
  if (top?.limit === undefined && top?.offset === undefined) return null;
  if (!top.order || top.order.length === 0) {
    throw new ApiError(
      400,
      'PGRST109',
      "A 'limit' was applied without an explicit 'order'",
      null,
      "Apply an 'order' using unique column(s)",
    );
  }
  return {
    order: planMutationOrder(cache, base, top.order),
    ...(top.limit !== undefined ? { limit: top.limit } : {}),
    ...(top.offset !== undefined ? { offset: top.offset } : {}),
  };
}

/** `/table?pk=eq.value` for the primary key values of a row (JSON), as PostgREST's Location header. */
function locationOf(table: string, keyJson: string): string {
  const keys = JSON.parse(keyJson) as Record<string, unknown>;
  const query = Object.entries(keys)
    .map(
      ([k, v]) =>
        `${encodeURIComponent(k)}=${encodeURIComponent(v === null ? 'is.null' : `eq.${typeof v === 'string' ? v : JSON.stringify(v)}`)}`,
    )
    .join('&');
  return `/${encodeURIComponent(table)}?${query}`;
}

/** Fails with 400 PGRST124 (so the transaction rolls back) when more rows changed than max-affected allows. */
export function checkMaxAffected(limit: number | undefined, row: StatementRow): void {
  if (limit !== undefined && Number(row.page_total) > limit) {
    throw new ApiError(
      400,
      'PGRST124',
      'Query result exceeds max-affected preference constraint',
      `The query affects ${row.page_total} rows`,
    );
  }
}

function writeResult(
  req: RestRequest,
  row: StatementRow,
  merge: boolean,
  representation: boolean,
  noKey: boolean,
): RestResult {
  const n = Number(row.page_total);
  const total = req.prefer.count !== undefined ? String(n) : '*';
  const range = req.method === 'POST' || n === 0 ? '*' : `0-${n - 1}`;
  const headers: Record<string, string> = { 'Content-Range': `${range}/${total}` };
  if (row.location) headers.Location = locationOf(req.name, row.location);
  const kind = req.method === 'POST' ? 'create' : req.method === 'PATCH' ? 'update' : 'delete';
  const applied = preferenceApplied(req.prefer, kind, noKey ? ['resolution'] : []);
  if (applied !== undefined) headers['Preference-Applied'] = applied;
  let status: number;
  // As PostgREST 12 (Response.hs isInsertIfGTZero): a merge upsert that inserted nothing, an empty one included,
  // is 200; every other insert is 201.
  if (req.method === 'POST') status = merge && (row.inserted ?? '0') === '0' ? 200 : 201;
  else status = representation ? 200 : 204;
  if (!representation) return { status, body: null, headers };
  headers['Content-Type'] = contentType(req.media);
  return { status, body: row.body, headers };
}
