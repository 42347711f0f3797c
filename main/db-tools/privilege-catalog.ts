import type pg from 'pg';

/** One privilege of one grantee, in the order the object's ACL lists it. */
export interface AclItem {
  /** A role name, or `PUBLIC`. */
  readonly grantee: string;
  /** Upper case, as Postgres names them: `SELECT`, `EXECUTE`, `USAGE`, ... */
  readonly privilege: string;
  readonly grantable: boolean;
}

/** The kinds of objects privileges are granted on, with the keyword GRANT uses for them. */
export type AclKind =
  'schema' | 'table' | 'sequence' | 'column' | 'function' | 'procedure' | 'type' | 'domain';

/** An object of the diffed schemas with its access control list (defaults made explicit). */
export interface AclObject {
  readonly kind: AclKind;
  readonly schema: string;
  readonly name: string;
  /** The column, for column privileges. */
  readonly column: string | null;
  /** Identity arguments, for functions and procedures. */
  readonly args: string | null;
  readonly owner: string;
  readonly items: readonly AclItem[];
}

/** Privileges new objects get in the target, per kind and schema (from `alter default privileges`). */
export interface DefaultAcls {
  /** The role the target was inspected as; it owns what the pending file creates. */
  readonly role: string;
  readonly entries: readonly { objtype: string; schema: string | null; items: readonly AclItem[] }[];
}

type AclItemRow = [string, string, boolean];

const EXPLODE = (acl: string): string => `coalesce((
    select json_agg(json_build_array(
             case when e.grantee = 0 then 'PUBLIC' else pg_get_userbyid(e.grantee) end,
             e.privilege_type, e.is_grantable) order by e.ord)
      from aclexplode(${acl}) with ordinality as e(grantor, grantee, privilege_type, is_grantable, ord)
  ), '[]'::json)`;

const NOT_EXTENSION_MEMBER = (catalog: string, oid: string): string =>
  `not exists (select 1 from pg_depend dep where dep.classid = '${catalog}'::regclass and dep.objid = ${oid}
                 and dep.deptype = 'e')`;

// Null ACLs mean "the defaults": acldefault() spells them out, so both sides compare like for like.
const OBJECTS_SQL = `
  with ns as (select oid, nspname, nspowner, nspacl from pg_namespace where nspname = any($1)),
  objs as (
    select 'schema' as kind, n.nspname as schema, n.nspname as name, null::name as col, null::text as args,
           n.nspowner as owner, coalesce(n.nspacl, acldefault('n', n.nspowner)) as acl
      from ns n
    union all
    select case c.relkind when 'S' then 'sequence' else 'table' end, n.nspname, c.relname, null, null,
           c.relowner,
           coalesce(c.relacl, acldefault(case c.relkind when 'S' then 's' else 'r' end::"char", c.relowner))
      from pg_class c join ns n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p', 'v', 'm', 'f', 'S') and ${NOT_EXTENSION_MEMBER('pg_class', 'c.oid')}
    union all
    select 'column', n.nspname, c.relname, a.attname, null, c.relowner, a.attacl
      from pg_attribute a join pg_class c on c.oid = a.attrelid join ns n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p', 'v', 'm', 'f') and a.attnum > 0 and not a.attisdropped
       and ${NOT_EXTENSION_MEMBER('pg_class', 'c.oid')}
    union all
    select case p.prokind when 'p' then 'procedure' else 'function' end, n.nspname, p.proname, null,
           pg_get_function_identity_arguments(p.oid), p.proowner, coalesce(p.proacl, acldefault('f', p.proowner))
      from pg_proc p join ns n on n.oid = p.pronamespace
     where p.prokind in ('f', 'p') and ${NOT_EXTENSION_MEMBER('pg_proc', 'p.oid')}
    union all
    select case t.typtype when 'd' then 'domain' else 'type' end, n.nspname, t.typname, null, null, t.typowner,
           coalesce(t.typacl, acldefault('T', t.typowner))
      from pg_type t join ns n on n.oid = t.typnamespace
     where (t.typtype in ('d', 'e', 'r', 'm')
            or (t.typtype = 'c' and exists (select 1 from pg_class r where r.oid = t.typrelid and r.relkind = 'c')))
       and ${NOT_EXTENSION_MEMBER('pg_type', 't.oid')}
  )
  select kind, schema, name, col, args, pg_get_userbyid(owner) as owner, ${EXPLODE('acl')} as items
    from objs`;

const DEFAULTS_SQL = `
  select d.defaclobjtype::text as objtype, n.nspname as schema, ${EXPLODE('d.defaclacl')} as items
    from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace
   where d.defaclrole = (select oid from pg_roles where rolname = current_user)`;

/**
 * Every ACL of the schemas' objects: schemas, tables/views/sequences, columns, functions, types and domains.
 * Run with `search_path = pg_catalog` so type names in function signatures are schema-qualified alike on
 * both databases.
 */
export async function inspectAcls(client: pg.Client, schemas: readonly string[]): Promise<AclObject[]> {
  const { rows } = await client.query<{
    kind: AclKind;
    schema: string;
    name: string;
    col: string | null;
    args: string | null;
    owner: string;
    items: AclItemRow[];
  }>(OBJECTS_SQL, [schemas]);
  return rows.map((r) => ({
    kind: r.kind,
    schema: r.schema,
    name: r.name,
    column: r.col,
    args: r.args,
    owner: r.owner,
    items: r.items.map(toItem),
  }));
}

/** The default privileges of the role we are connected as. */
export async function inspectDefaultAcls(client: pg.Client): Promise<DefaultAcls> {
  const { rows } = await client.query<{ objtype: string; schema: string | null; items: AclItemRow[] }>(
    DEFAULTS_SQL,
  );
  const role = (await client.query<{ r: string }>('select current_user as r')).rows[0]?.r ?? 'postgres';
  return { role, entries: rows.map((r) => ({ ...r, items: r.items.map(toItem) })) };
}

/** The roles that exist on a server. */
export async function inspectRoles(client: pg.Client): Promise<Set<string>> {
  const { rows } = await client.query<{ rolname: string }>('select rolname from pg_roles');
  return new Set(rows.map((r) => r.rolname));
}

function toItem([grantee, privilege, grantable]: AclItemRow): AclItem {
  return { grantee, privilege, grantable };
}
