import type pg from 'pg';

import type { ColumnInfo } from './schema-types.js';

/** A column as the tables query returns it: with its attnum, which view dependencies refer to. */
export interface CatalogColumn extends ColumnInfo {
  readonly attnum: number;
}

/** A table, view, materialized view or foreign table of an exposed schema. */
export interface TableRow {
  readonly oid: string;
  readonly schema: string;
  readonly name: string;
  readonly is_view: boolean;
  readonly columns: CatalogColumn[];
}

/** A primary key, unique or foreign key constraint, its columns as attnums. */
export interface KeyRow {
  readonly type: 'p' | 'u' | 'f';
  readonly name: string;
  readonly rel: string;
  /** The referenced table of a foreign key ('0' otherwise). */
  readonly frel: string;
  readonly cols: number[];
  readonly fcols: number[];
  /** A foreign key a partition inherited from its parent's (PostgREST skips these). */
  readonly inherited: boolean;
}

/** A view's or materialized view's rewrite rule, as the text of its node tree. */
export interface ViewRow {
  readonly oid: string;
  readonly definition: string;
}

/** A function of an exposed schema. */
export interface FunctionRow {
  readonly schema: string;
  readonly name: string;
  readonly volatility: 'i' | 's' | 'v';
  readonly retset: boolean;
  readonly is_void: boolean;
  readonly composite: boolean;
  readonly ret_rel: string | null;
  readonly ndefaults: number;
  readonly variadic: boolean;
  readonly args: { name: string; mode: string; type: string }[];
  readonly ret_cols: string[];
}

// Partitions are left out, as PostgREST does: requests go to the partitioned table. A column's default is the
// expression `Prefer: missing=default` fills in: an identity column's is its sequence's nextval (the catalog
// keeps no default expression for it), a generated column has none (it only takes DEFAULT).
const TABLES_SQL = `
select c.oid::int8 as oid, n.nspname as schema, c.relname as name, c.relkind in ('v', 'm') as is_view,
  coalesce((select json_agg(json_build_object(
      'name', a.attname, 'attnum', a.attnum, 'type', format_type(a.atttypid, a.atttypmod),
      'notNull', a.attnotnull,
      'defaultExpr', case
        when a.attgenerated <> '' then null
        when a.attidentity <> '' then format('nextval(%L::regclass)',
          pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname))
        else pg_get_expr(d.adbin, d.adrelid) end,
      'generated', a.attgenerated <> '') order by a.attnum)
    from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '[]') as columns
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any($1) and c.relkind in ('r', 'v', 'm', 'f', 'p') and not c.relispartition`;

// Keys of every schema, not only the exposed ones: a view of an exposed schema may read a table of a
// private one, and its relationships come from that table's keys.
const KEYS_SQL = `
select con.contype as type, con.conname as name, con.conrelid::int8 as rel, con.confrelid::int8 as frel,
  con.conkey::int2[] as cols, coalesce(con.confkey, '{}')::int2[] as fcols, con.conparentid <> 0 as inherited
from pg_constraint con join pg_namespace n on n.oid = con.connamespace
where con.contype in ('p', 'u', 'f') and n.nspname not in ('pg_catalog', 'information_schema')`;

const VIEWS_SQL = `
select c.oid::int8 as oid, r.ev_action::text as definition
from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_rewrite r on r.ev_class = c.oid
where c.relkind in ('v', 'm') and r.ev_type = '1' and n.nspname = any($1)`;

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

// Computed fields: functions whose one required argument is the row type of a relation (PostgREST calls them
// with the row, as a column).
const COMPUTED_SQL = `
select n.nspname as schema, p.proname as name, t.typrelid::int8 as rel
from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_type t on t.oid = p.proargtypes[0]
where n.nspname = any($1) and p.prokind = 'f' and p.pronargs >= 1 and p.pronargs - p.pronargdefaults <= 1
  and t.typrelid <> 0 and not p.proretset and p.prorettype <> 'void'::regtype`;

// Computed relationships (PostgREST's allComputedRels): functions of exactly one argument, the row type of a
// relation, that return the row type of a relation (or a set of them). One row when not a set or `rows 1`.
const COMPUTED_RELS_SQL = `
select n.nspname as schema, p.proname as name, a.typrelid::int8 as rel, r.typrelid::int8 as frel,
  not p.proretset or p.prorows = 1 as single_row
from pg_proc p join pg_namespace n on n.oid = p.pronamespace
  join pg_type a on a.oid = p.proargtypes[0] join pg_type r on r.oid = p.prorettype
where n.nspname = any($1) and p.prokind = 'f' and p.pronargs = 1 and a.typrelid <> 0 and r.typrelid <> 0`;

// PostgREST's in-database configuration: pgrst.* settings of the role the API connects as.
const PGRST_SETTINGS_SQL = `
select unnest(s.setconfig) as setting
from pg_db_role_setting s
where s.setrole = (select oid from pg_roles where rolname = current_user)
  and s.setdatabase in (0, (select oid from pg_database where datname = current_database()))
order by s.setdatabase`;

/** A computed field: the function and the relation (oid) whose row it takes. */
export interface ComputedRow {
  readonly schema: string;
  readonly name: string;
  readonly rel: string;
}

/** A computed relationship: the function, the relation (oid) whose row it takes and the one it returns. */
export interface ComputedRelRow {
  readonly schema: string;
  readonly name: string;
  readonly rel: string;
  readonly frel: string;
  readonly single_row: boolean;
}

/** Everything the schema cache is built from, read in one round trip per catalog. */
export interface CatalogRows {
  readonly tables: TableRow[];
  readonly keys: KeyRow[];
  readonly views: ViewRow[];
  readonly functions: FunctionRow[];
  readonly roles: { role: string; config: string[] }[];
  readonly types: { name: string; schema: string }[];
  readonly computed: ComputedRow[];
  readonly computedRels: ComputedRelRow[];
  /** `name=value` entries of the connecting role's settings. */
  readonly settings: string[];
}

/**
 * Reads the catalog for the exposed `schemas`. Views are read from the exposed schemas and from
 * `extraSchemas` (PostgREST's db-extra-search-path), the ones a view's columns may be traced through.
 */
export async function readCatalog(
  client: pg.ClientBase,
  schemas: readonly string[],
  extraSchemas: readonly string[],
): Promise<CatalogRows> {
  const list = [...schemas];
  return {
    tables: (await client.query<TableRow>(TABLES_SQL, [list])).rows,
    keys: (await client.query<KeyRow>(KEYS_SQL)).rows,
    views: (await client.query<ViewRow>(VIEWS_SQL, [[...list, ...extraSchemas]])).rows,
    functions: (await client.query<FunctionRow>(FUNCTIONS_SQL, [list])).rows,
    roles: (await client.query<{ role: string; config: string[] }>(ROLES_SQL)).rows,
    types: (await client.query<{ name: string; schema: string }>(TYPES_SQL, [list])).rows,
    computed: (await client.query<ComputedRow>(COMPUTED_SQL, [list])).rows,
    computedRels: (await client.query<ComputedRelRow>(COMPUTED_RELS_SQL, [list])).rows,
    settings: (await client.query<{ setting: string }>(PGRST_SETTINGS_SQL)).rows.map((r) => r.setting),
  };
}
