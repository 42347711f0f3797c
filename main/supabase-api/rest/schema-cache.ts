import type pg from 'pg';

import type { ColumnInfo, ForeignKey, FunctionArg, FunctionInfo, TableInfo } from './schema-types.js';

/** The roles' own `ALTER ROLE ... SET` values worth applying per request, as PostgREST does. */
const ROLE_SETTINGS = new Set(['statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout']);

/** A snapshot of the exposed schemas: tables, columns, keys, foreign keys, functions, role settings. */
export interface SchemaCache {
  readonly schemas: readonly string[];
  readonly tables: ReadonlyMap<string, TableInfo>;
  readonly foreignKeys: readonly ForeignKey[];
  readonly functions: ReadonlyMap<string, readonly FunctionInfo[]>;
  readonly roleSettings: ReadonlyMap<string, readonly (readonly [string, string])[]>;
  /** Type names a `::cast` in select may use, mapped to the qualified SQL name. */
  readonly castTypes: ReadonlyMap<string, string>;
}

/** The key of a table or function in the cache maps. */
export function qualifiedKey(schema: string, name: string): string {
  return `${schema}.${name}`;
}

const TABLES_SQL = `
select c.oid::int8 as oid, n.nspname as schema, c.relname as name, c.relkind in ('v', 'm') as is_view,
  coalesce((select json_agg(json_build_object(
      'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'notNull', a.attnotnull,
      'defaultExpr', pg_get_expr(d.adbin, d.adrelid), 'generated', a.attgenerated <> '') order by a.attnum)
    from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '[]') as columns
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any($1) and c.relkind in ('r', 'v', 'm', 'f', 'p')`;

const CONSTRAINTS_SQL = `
select con.contype as type, con.conname as name, con.conrelid::int8 as rel, con.confrelid::int8 as frel,
  array(select a.attname::text from unnest(con.conkey) with ordinality k(n, i)
        join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n order by k.i) as cols,
  array(select a.attname::text from unnest(con.confkey) with ordinality k(n, i)
        join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.n order by k.i) as fcols
from pg_constraint con join pg_namespace n on n.oid = con.connamespace
where n.nspname = any($1) and con.contype in ('p', 'u', 'f')`;

const FUNCTIONS_SQL = `
select n.nspname as schema, p.proname as name, p.provolatile as volatility, p.proretset as retset,
  p.prorettype = 'void'::regtype as is_void, t.typtype = 'c' or p.prorettype = 'record'::regtype as composite,
  case when t.typtype = 'c' then t.typrelid::int8 end as ret_rel, p.pronargdefaults as ndefaults,
  p.provariadic <> 0 as variadic,
  coalesce((select json_agg(json_build_object(
      'name', coalesce(p.proargnames[i], ''), 'mode', coalesce(p.proargmodes[i], 'i'),
      'type', format_type(coalesce(p.proallargtypes[i], p.proargtypes[i - 1]), null)) order by i)
    from generate_series(1, coalesce(array_length(p.proallargtypes, 1), p.pronargs)) i), '[]') as args,
  coalesce((select json_agg(a.attname order by a.attnum) from pg_attribute a
    where t.typtype = 'c' and a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped), '[]') as ret_cols
from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_type t on t.oid = p.prorettype
where n.nspname = any($1) and p.prokind = 'f'`;

const ROLES_SQL = `
select r.rolname as role, s.setconfig as config
from pg_db_role_setting s join pg_roles r on r.oid = s.setrole
where r.rolname in ('anon', 'authenticated', 'service_role')
  and s.setdatabase in (0, (select oid from pg_database where datname = current_database()))
order by s.setdatabase`;

const TYPES_SQL = `
select t.typname as name, n.nspname as schema from pg_type t join pg_namespace n on n.oid = t.typnamespace
where (n.nspname = 'pg_catalog' or n.nspname = any($1)) and t.typtype in ('b', 'd', 'e', 'r', 'c')
  and t.typname !~ '^_' and t.typisdefined`;

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

interface TableRow {
  oid: string;
  schema: string;
  name: string;
  is_view: boolean;
  columns: ColumnInfo[];
}

interface ConstraintRow {
  type: 'p' | 'u' | 'f';
  name: string;
  rel: string;
  frel: string;
  cols: string[];
  fcols: string[];
}

interface FunctionRow {
  schema: string;
  name: string;
  volatility: 'i' | 's' | 'v';
  retset: boolean;
  is_void: boolean;
  composite: boolean;
  ret_rel: string | null;
  ndefaults: number;
  variadic: boolean;
  args: { name: string; mode: string; type: string }[];
  ret_cols: string[];
}

/** Reads the schema cache from the catalog in one round trip per catalog. */
export async function loadSchemaCache(
  client: pg.ClientBase,
  schemas: readonly string[],
): Promise<SchemaCache> {
  const list = [...schemas];
  const tableRows = (await client.query<TableRow>(TABLES_SQL, [list])).rows;
  const constraintRows = (await client.query<ConstraintRow>(CONSTRAINTS_SQL, [list])).rows;
  const functionRows = (await client.query<FunctionRow>(FUNCTIONS_SQL, [list])).rows;
  const roleRows = (await client.query<{ role: string; config: string[] }>(ROLES_SQL)).rows;
  const typeRows = (await client.query<{ name: string; schema: string }>(TYPES_SQL, [list])).rows;

  const byOid = new Map<string, TableInfo>();
  const tables = new Map<string, TableInfo>();
  for (const row of tableRows) {
    const mine = constraintRows.filter((c) => c.rel === row.oid);
    const table: TableInfo = {
      schema: row.schema,
      name: row.name,
      isView: row.is_view,
      columns: new Map(row.columns.map((c) => [c.name, c])),
      primaryKey: mine.find((c) => c.type === 'p')?.cols ?? [],
      uniqueKeys: mine.filter((c) => c.type !== 'f').map((c) => c.cols),
    };
    byOid.set(row.oid, table);
    tables.set(qualifiedKey(row.schema, row.name), table);
  }
  const foreignKeys: ForeignKey[] = [];
  for (const c of constraintRows) {
    const from = byOid.get(c.rel);
    const to = byOid.get(c.frel);
    if (c.type === 'f' && from && to) {
      foreignKeys.push({ constraint: c.name, from, fromColumns: c.cols, to, toColumns: c.fcols });
    }
  }
  const functions = new Map<string, FunctionInfo[]>();
  for (const row of functionRows) {
    const info = toFunctionInfo(row, byOid);
    const key = qualifiedKey(row.schema, row.name);
    functions.set(key, [...(functions.get(key) ?? []), info]);
  }
  const roleSettings = new Map<string, [string, string][]>();
  for (const row of roleRows) {
    for (const entry of row.config) {
      const eq = entry.indexOf('=');
      const name = entry.slice(0, eq);
      if (eq > 0 && ROLE_SETTINGS.has(name)) {
        const settings = (roleSettings.get(row.role) ?? []).filter(([n]) => n !== name);
        roleSettings.set(row.role, [...settings, [name, entry.slice(eq + 1)]]);
      }
    }
  }
  const castTypes = new Map<string, string>();
  for (const t of typeRows) {
    if (!castTypes.has(t.name) || t.schema === 'pg_catalog') castTypes.set(t.name, `${t.schema}.${t.name}`);
  }
  for (const [alias, name] of Object.entries(TYPE_ALIASES)) castTypes.set(alias, `pg_catalog.${name}`);
  return { schemas: list, tables, foreignKeys, functions, roleSettings, castTypes };
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
