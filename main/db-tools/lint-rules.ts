import type { SqlFile } from '../services/migrate/migration-files.js';
import { splitSql } from './sql-split.js';

/**
 * A check of the migrated catalog. Its query returns one row per finding: the object's origin key (which
 * file created it, see ScratchDatabase.origins), how to name the object, and what is wrong.
 */
export interface CatalogRule {
  readonly id: string;
  readonly description: string;
  readonly sql: string;
}

/** A finding before its origin key is turned into a file name. */
export interface RawFinding {
  readonly rule: string;
  readonly origin: string;
  readonly object: string;
  readonly message: string;
}

const NOT_EXTENSION_MEMBER = (catalog: string, oid: string): string =>
  `not exists (select 1 from pg_depend dep where dep.classid = '${catalog}'::regclass and dep.objid = ${oid}
                 and dep.deptype = 'e')`;

const API_ROLES = `array['anon', 'authenticated']`;

/** The brief's requirements on the control-plane schema, checked on the catalog rather than on SQL text. */
export const CATALOG_RULES: readonly CatalogRule[] = [
  {
    id: 'rls-disabled',
    description: 'every table in public has row-level security enabled',
    sql: `
      select 'class:' || c.oid as origin, format('table %s', c.oid::regclass) as object,
             'row-level security is not enabled (every public table needs it)' as message
        from pg_class c
       where c.relnamespace = to_regnamespace('public') and c.relkind in ('r', 'p') and not c.relrowsecurity`,
  },
  {
    id: 'missing-comment',
    description: 'every table, view, column and function has a comment saying what it is for',
    sql: `
      select 'class:' || c.oid, format('%s %s', case when c.relkind in ('v', 'm') then 'view' else 'table' end,
             c.oid::regclass), 'has no comment'
        from pg_class c
       where c.relnamespace in (to_regnamespace('public'), to_regnamespace('internal'))
         and c.relkind in ('r', 'p', 'v', 'm') and not c.relispartition
         and obj_description(c.oid, 'pg_class') is null and ${NOT_EXTENSION_MEMBER('pg_class', 'c.oid')}
      union all
      select 'column:' || c.oid || ':' || a.attnum, format('column %s.%I', c.oid::regclass, a.attname), 'has no comment'
        from pg_attribute a join pg_class c on c.oid = a.attrelid
       where c.relnamespace in (to_regnamespace('public'), to_regnamespace('internal'))
         and c.relkind in ('r', 'p', 'v', 'm') and not c.relispartition and a.attnum > 0 and not a.attisdropped
         and col_description(c.oid, a.attnum) is null and ${NOT_EXTENSION_MEMBER('pg_class', 'c.oid')}
      union all
      select 'proc:' || p.oid, format('function %s', p.oid::regprocedure), 'has no comment'
        from pg_proc p
       where p.pronamespace in (to_regnamespace('public'), to_regnamespace('internal')) and p.prokind in ('f', 'p')
         and obj_description(p.oid, 'pg_proc') is null and ${NOT_EXTENSION_MEMBER('pg_proc', 'p.oid')}`,
  },
  {
    id: 'view-bypasses-rls',
    description:
      'views the API roles may select are evaluated under the caller’s RLS (security_invoker, or an owner RLS applies to)',
    sql: `
      with api_views as (
        select v.oid, v.relkind, v.relowner, r.rolname as owner, r.rolsuper, r.rolbypassrls
          from pg_class v join pg_roles r on r.oid = v.relowner
         where v.relnamespace = to_regnamespace('public') and v.relkind in ('v', 'm')
           and exists (select 1 from unnest(${API_ROLES}) role
                        where has_table_privilege(role, v.oid, 'select')
                           or has_any_column_privilege(role, v.oid, 'select'))
           and (v.relkind = 'm' or not coalesce((select option_value::boolean
                  from pg_options_to_table(v.reloptions) where option_name = 'security_invoker'), false))
      ),
      bypassed as (
        select distinct on (v.oid) v.oid, t.oid::regclass::text as tbl
          from api_views v
          join pg_rewrite rw on rw.ev_class = v.oid
          join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = rw.oid
          join pg_class t on t.oid = d.refobjid
         where t.oid <> v.oid and t.relrowsecurity and not t.relforcerowsecurity and t.relowner = v.relowner
      )
      select 'class:' || v.oid, format('view %s', v.oid::regclass),
             case when v.rolsuper then format('selectable by the API roles but owned by the superuser %s, which bypasses RLS; use security_invoker = true or make authenticated the owner', v.owner)
                  when v.rolbypassrls then format('selectable by the API roles but evaluated as its owner %s, which bypasses RLS; use security_invoker = true', v.owner)
                  else format('selectable by the API roles but evaluated as its owner %s, who owns %s and so bypasses its RLS; use security_invoker = true', v.owner, b.tbl) end
        from api_views v left join bypassed b on b.oid = v.oid
       where v.rolsuper or v.rolbypassrls or b.oid is not null`,
  },
  {
    id: 'anon-privileges',
    description: 'anon gets nothing on the tables, views and sequences of public',
    sql: `
      select 'class:' || c.oid, format('%s %s', case c.relkind when 'S' then 'sequence' when 'v' then 'view'
             when 'm' then 'view' else 'table' end, c.oid::regclass),
             'anon holds privileges on it (anon gets nothing; grant to authenticated explicitly)'
        from pg_class c
       where c.relnamespace = to_regnamespace('public') and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
         and case when c.relkind = 'S' then has_sequence_privilege('anon', c.oid, 'usage, select, update')
                  else has_table_privilege('anon', c.oid, 'select, insert, update, delete, truncate, references, trigger')
                       or has_any_column_privilege('anon', c.oid, 'select, insert, update, references') end`,
  },
  {
    id: 'definer-executable-by-anon',
    description: 'security definer functions in public are not executable by anon',
    sql: `
      select 'proc:' || p.oid, format('function %s', p.oid::regprocedure),
             'security definer function executable by anon (revoke execute from public, grant to authenticated)'
        from pg_proc p
       where p.pronamespace = to_regnamespace('public') and p.prosecdef
         and has_function_privilege('anon', p.oid, 'execute') and ${NOT_EXTENSION_MEMBER('pg_proc', 'p.oid')}`,
  },
  {
    id: 'definer-search-path',
    description: 'security definer functions pin their search_path',
    sql: `
      select 'proc:' || p.oid, format('function %s', p.oid::regprocedure),
             'security definer function without "set search_path" (callers could substitute objects it uses)'
        from pg_proc p
       where p.pronamespace in (to_regnamespace('public'), to_regnamespace('internal')) and p.prosecdef
         and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%')
         and ${NOT_EXTENSION_MEMBER('pg_proc', 'p.oid')}`,
  },
  {
    id: 'internal-exposed',
    description: 'the API roles have no usage on schema internal',
    sql: `
      select 'schema:internal', 'schema internal',
             format('%s has usage on it (internal holds what the API must not expose)', role)
        from unnest(${API_ROLES}) role
       where to_regnamespace('internal') is not null and has_schema_privilege(role, 'internal', 'usage')`,
  },
  {
    id: 'async-table-realtime',
    description:
      'async tables (job_status, logs_token) are in supabase_realtime and wake the agents on insert',
    sql: `
      with async as (
        select c.oid from pg_class c
         where c.relnamespace = to_regnamespace('public') and c.relkind in ('r', 'p')
           and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'job_status')
           and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'logs_token')
      )
      select 'class:' || a.oid, format('table %s', a.oid::regclass),
             'async table missing from the supabase_realtime publication'
        from async a
       where exists (select 1 from pg_publication where pubname = 'supabase_realtime')
         and not exists (select 1 from pg_publication_tables pt
                          where pt.pubname = 'supabase_realtime' and format('%I.%I', pt.schemaname, pt.tablename)::regclass = a.oid)
      union all
      select 'class:' || a.oid, format('table %s', a.oid::regclass),
             'async table without an insert trigger to notify the agents (queue notifications)'
        from async a
       where not exists (select 1 from pg_trigger t where t.tgrelid = a.oid and not t.tgisinternal
                           and (t.tgtype & 4) <> 0)`,
  },
];

/** The rule over SQL text: keywords are lower case (the original schema's one consistent style). */
export const KEYWORD_RULE = {
  id: 'lower-case-keywords',
  description: 'statements are written in lower case (the original schema’s style)',
} as const;

const UPPER_START =
  /^(CREATE|ALTER|DROP|GRANT|REVOKE|COMMENT|INSERT|UPDATE|DELETE|SELECT|DO|SET|WITH|TRUNCATE|REFRESH)\b/;

/** Statements of the migration files that start with an upper-case keyword. */
export async function keywordFindings(files: readonly SqlFile[]): Promise<(RawFinding & { file: string })[]> {
  const out: (RawFinding & { file: string })[] = [];
  for (const file of files) {
    for (const statement of await splitSql(file.sql)) {
      const keyword = UPPER_START.exec(statement.sql)?.[1];
      if (keyword) {
        out.push({
          rule: KEYWORD_RULE.id,
          file: file.fileName,
          origin: '',
          object: `statement at line ${statement.line}`,
          message: `starts with upper-case ${keyword}; the migrations use lower-case keywords`,
        });
      }
    }
  }
  return out;
}
