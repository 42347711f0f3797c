import type pg from 'pg';

import {
  readCatalog,
  type ComputedRelRow,
  type ComputedRow,
  type FunctionRow,
  type KeyRow,
  type TableRow,
} from './catalog-queries.js';
import { targetListOrigins, type ColumnOrigin } from './node-tree.js';
import { relationshipGraph, type NamedRelation } from './relationship-graph.js';
import type { ComputedField, FunctionArg, FunctionInfo, Relationship, TableInfo } from './schema-types.js';
import { viewKeyDependencies } from './view-key-deps.js';
import { foreignKeyRelationships, viewPrimaryKeys, withViewRelationships } from './view-relationships.js';

/** The roles' own `ALTER ROLE ... SET` values worth applying per request, as PostgREST does. */
const ROLE_SETTINGS = new Set(['statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout']);

/** A snapshot of the exposed schemas: tables, columns, keys, relationships, functions, role settings. */
export interface SchemaCache {
  readonly schemas: readonly string[];
  readonly tables: ReadonlyMap<string, TableInfo>;
  /** The relationships an embed may follow, by the table or view it starts from. */
  readonly relationships: ReadonlyMap<TableInfo, readonly Relationship[]>;
  readonly functions: ReadonlyMap<string, readonly FunctionInfo[]>;
  readonly roleSettings: ReadonlyMap<string, readonly (readonly [string, string])[]>;
  /** Type names a `::cast` in select may use, mapped to the qualified SQL name. */
  readonly castTypes: ReadonlyMap<string, string>;
  /** The time zones `Prefer: timezone=` may name (pg_timezone_names). */
  readonly timezones: ReadonlySet<string>;
  /** The computed fields of each table or view, by field name. */
  readonly computedFields: ReadonlyMap<TableInfo, ReadonlyMap<string, ComputedField>>;
  /** PostgREST's in-database configuration (`alter role authenticator set pgrst.db_... = ...`). */
  readonly settings: DatabaseSettings;
}

/** The `pgrst.*` settings this server honours. */
export interface DatabaseSettings {
  /** `pgrst.db_aggregates_enabled`: aggregate functions in `select=` (off by default, as in PostgREST). */
  readonly aggregatesEnabled: boolean;
  /** `pgrst.db_plan_enabled`: `Accept: application/vnd.pgrst.plan` answers EXPLAIN (off by default). */
  readonly planEnabled: boolean;
}

function readSettings(entries: readonly string[]): DatabaseSettings {
  const values = new Map<string, string>();
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq > 0) values.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  const on = (name: string): boolean => (values.get(name) ?? '').trim().toLowerCase() === 'true';
  return { aggregatesEnabled: on('pgrst.db_aggregates_enabled'), planEnabled: on('pgrst.db_plan_enabled') };
}

function buildComputedFields(
  rows: readonly ComputedRow[],
  byOid: ReadonlyMap<string, TableInfo>,
): Map<TableInfo, Map<string, ComputedField>> {
  const fields = new Map<TableInfo, Map<string, ComputedField>>();
  for (const row of rows) {
    const table = byOid.get(row.rel);
    if (!table) continue;
    let mine = fields.get(table);
    if (!mine) {
      mine = new Map();
      fields.set(table, mine);
    }
    mine.set(row.name, { schema: row.schema, name: row.name });
  }
  return fields;
}

/**
 * Adds the computed relationships to the relationship graph, by origin. Both ends must be relations of the
 * exposed schemas (byOid holds only those).
 */
export function withComputedRelationships(
  graph: ReadonlyMap<TableInfo, readonly Relationship[]>,
  rows: readonly ComputedRelRow[],
  byOid: ReadonlyMap<string, TableInfo>,
): Map<TableInfo, Relationship[]> {
  const out = new Map<TableInfo, Relationship[]>([...graph].map(([t, rels]) => [t, [...rels]]));
  for (const row of rows) {
    const table = byOid.get(row.rel);
    const foreignTable = byOid.get(row.frel);
    if (!table || !foreignTable) continue;
    const rel: Relationship = {
      cardinality: 'computed',
      table,
      foreignTable,
      isSelf: table === foreignTable,
      function: { schema: row.schema, name: row.name },
      toOne: row.single_row,
    };
    const list = out.get(table);
    if (list) list.push(rel);
    else out.set(table, [rel]);
  }
  return out;
}

/** The key of a table or function in the cache maps. */
export function qualifiedKey(schema: string, name: string): string {
  return `${schema}.${name}`;
}

const TYPE_ALIASES: Record<string, string> = {
  integer: 'int4',
  int: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  boolean: 'bool',
  real: 'float4',
  'double precision': 'float8',
  decimal: 'numeric',
  'character varying': 'varchar',
  character: 'bpchar',
};

const TIMEZONES_SQL = 'select name from pg_timezone_names';

/**
 * Reads the schema cache from the catalog in one round trip per catalog. Views are traced through the
 * exposed `schemas` and the `extraSchemas` (PostgREST's db-extra-search-path). The time zones, which no DDL
 * changes and which take the catalog longest to list, are taken from the `previous` cache when there is one.
 */
export async function loadSchemaCache(
  client: pg.ClientBase,
  schemas: readonly string[],
  extraSchemas: readonly string[],
  previous?: SchemaCache | null,
): Promise<SchemaCache> {
  const rows = await readCatalog(client, schemas, extraSchemas);
  const timezones =
    previous?.timezones ??
    new Set((await client.query<{ name: string }>(TIMEZONES_SQL)).rows.map((r) => r.name));
  const origins = new Map<string, readonly ColumnOrigin[]>(
    rows.views.map((v) => [v.oid, targetListOrigins(v.definition)]),
  );
  const exposedViews = rows.tables.filter((t) => t.is_view).map((t) => t.oid);
  const deps = viewKeyDependencies(origins, exposedViews, rows.keys);
  const relations = buildRelations(rows.tables, rows.keys, viewPrimaryKeys(deps));
  const tables = new Map<string, TableInfo>();
  for (const r of relations.values()) tables.set(qualifiedKey(r.info.schema, r.info.name), r.info);
  const keyRelationships = withViewRelationships(foreignKeyRelationships(rows.keys), deps);
  const byOid = new Map([...relations].map(([oid, r]) => [oid, r.info]));
  return {
    schemas: [...schemas],
    tables,
    relationships: withComputedRelationships(
      relationshipGraph(keyRelationships, relations),
      rows.computedRels,
      byOid,
    ),
    functions: buildFunctions(rows.functions, byOid),
    roleSettings: buildRoleSettings(rows.roles),
    castTypes: buildCastTypes(rows.types),
    timezones,
    computedFields: buildComputedFields(rows.computed, byOid),
    settings: readSettings(rows.settings),
  };
}

/** The relations of the exposed schemas by oid; a view's primary key comes from the table keys it shows. */
function buildRelations(
  tableRows: readonly TableRow[],
  keys: readonly KeyRow[],
  viewKeys: ReadonlyMap<string, readonly number[]>,
): Map<string, NamedRelation> {
  const keysOf = new Map<string, KeyRow[]>();
  for (const k of keys) {
    if (k.type === 'f') continue;
    const list = keysOf.get(k.rel);
    if (list) list.push(k);
    else keysOf.set(k.rel, [k]);
  }
  const relations = new Map<string, NamedRelation>();
  for (const row of tableRows) {
    const names = new Map(row.columns.map((c) => [c.attnum, c.name]));
    const colNames = (cols: readonly number[]): string[] => cols.map((c) => names.get(c) ?? '');
    const mine = keysOf.get(row.oid) ?? [];
    const primary = mine.find((k) => k.type === 'p');
    const viewKey = viewKeys.get(row.oid);
    const info: TableInfo = {
      schema: row.schema,
      name: row.name,
      isView: row.is_view,
      columns: new Map(row.columns.map(({ attnum: _, ...c }) => [c.name, c])),
      primaryKey: primary ? colNames(primary.cols) : viewKey ? colNames(viewKey) : [],
      uniqueKeys: mine.map((k) => colNames(k.cols)),
    };
    relations.set(row.oid, { info, names });
  }
  return relations;
}

function buildFunctions(
  rows: readonly FunctionRow[],
  byOid: ReadonlyMap<string, TableInfo>,
): Map<string, FunctionInfo[]> {
  const functions = new Map<string, FunctionInfo[]>();
  for (const row of rows) {
    const key = qualifiedKey(row.schema, row.name);
    functions.set(key, [...(functions.get(key) ?? []), toFunctionInfo(row, byOid)]);
  }
  return functions;
}

function buildRoleSettings(
  rows: readonly { role: string; config: string[] }[],
): Map<string, [string, string][]> {
  const roleSettings = new Map<string, [string, string][]>();
  for (const row of rows) {
    for (const entry of row.config) {
      const eq = entry.indexOf('=');
      const name = entry.slice(0, eq);
      if (eq > 0 && ROLE_SETTINGS.has(name)) {
        const settings = (roleSettings.get(row.role) ?? []).filter(([n]) => n !== name);
        roleSettings.set(row.role, [...settings, [name, entry.slice(eq + 1)]]);
      }
    }
  }
  return roleSettings;
}

function buildCastTypes(rows: readonly { name: string; schema: string }[]): Map<string, string> {
  const castTypes = new Map<string, string>();
  for (const t of rows) {
    if (!castTypes.has(t.name) || t.schema === 'pg_catalog') castTypes.set(t.name, `${t.schema}.${t.name}`);
  }
  for (const [alias, name] of Object.entries(TYPE_ALIASES)) castTypes.set(alias, `pg_catalog.${name}`);
  return castTypes;
}

function toFunctionInfo(row: FunctionRow, byOid: ReadonlyMap<string, TableInfo>): FunctionInfo {
  const inputs = row.args.filter((a) => ['i', 'b', 'v'].includes(a.mode));
  const firstDefault = inputs.length - row.ndefaults;
  const args: FunctionArg[] = inputs.map((a, i) => ({
    name: a.name,
    type: a.type,
    hasDefault: i >= firstDefault,
    variadic: a.mode === 'v',
  }));
  const outArgs = row.args.filter((a) => ['o', 'b', 't'].includes(a.mode)).map((a) => a.name);
  const volatility = row.volatility === 'i' ? 'immutable' : row.volatility === 's' ? 'stable' : 'volatile';
  return {
    schema: row.schema,
    name: row.name,
    args,
    volatility,
    returnsSet: row.retset,
    returnKind: row.is_void ? 'void' : row.composite ? 'composite' : 'scalar',
    outColumns: outArgs.length > 0 ? outArgs : row.ret_cols,
    returnTable: row.ret_rel !== null ? (byOid.get(row.ret_rel) ?? null) : null,
  };
}
