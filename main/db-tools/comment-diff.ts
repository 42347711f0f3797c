import type pg from 'pg';

import { qualified, quoteIdent, quoteLiteral } from './sql-names.js';

/** An object of the diffed schemas and its comment (`comment on ...`). */
export interface CommentedObject {
  /** The COMMENT ON keyword: `table`, `view`, `column`, `function`, `domain`, ... */
  readonly kind: string;
  readonly schema: string;
  readonly name: string;
  readonly column: string | null;
  readonly args: string | null;
  readonly description: string | null;
}

const NOT_EXTENSION_MEMBER = (catalog: string, oid: string): string =>
  `not exists (select 1 from pg_depend dep where dep.classid = '${catalog}'::regclass and dep.objid = ${oid}
                 and dep.deptype = 'e')`;

const COMMENTS_SQL = `
  with ns as (select oid, nspname from pg_namespace where nspname = any($1))
  select 'schema' as kind, n.nspname as schema, n.nspname as name, null::name as col, null::text as args,
         obj_description(n.oid, 'pg_namespace') as description
    from ns n
  union all
  select case c.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'S' then 'sequence'
                        when 'f' then 'foreign table' else 'table' end,
         n.nspname, c.relname, null, null, obj_description(c.oid, 'pg_class')
    from pg_class c join ns n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p', 'v', 'm', 'f', 'S') and ${NOT_EXTENSION_MEMBER('pg_class', 'c.oid')}
  union all
  select 'column', n.nspname, c.relname, a.attname, null, col_description(c.oid, a.attnum)
    from pg_attribute a join pg_class c on c.oid = a.attrelid join ns n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p', 'v', 'm', 'f') and a.attnum > 0 and not a.attisdropped
     and ${NOT_EXTENSION_MEMBER('pg_class', 'c.oid')}
  union all
  select case p.prokind when 'p' then 'procedure' else 'function' end, n.nspname, p.proname, null,
         pg_get_function_identity_arguments(p.oid), obj_description(p.oid, 'pg_proc')
    from pg_proc p join ns n on n.oid = p.pronamespace
   where p.prokind in ('f', 'p') and ${NOT_EXTENSION_MEMBER('pg_proc', 'p.oid')}
  union all
  select case t.typtype when 'd' then 'domain' else 'type' end, n.nspname, t.typname, null, null,
         obj_description(t.oid, 'pg_type')
    from pg_type t join ns n on n.oid = t.typnamespace
   where (t.typtype in ('d', 'e', 'r', 'm')
          or (t.typtype = 'c' and exists (select 1 from pg_class r where r.oid = t.typrelid and r.relkind = 'c')))
     and ${NOT_EXTENSION_MEMBER('pg_type', 't.oid')}`;

/** Every commentable object of the schemas with its comment (null when it has none). */
export async function inspectComments(
  client: pg.Client,
  schemas: readonly string[],
): Promise<CommentedObject[]> {
  const { rows } = await client.query<{
    kind: string;
    schema: string;
    name: string;
    col: string | null;
    args: string | null;
    description: string | null;
  }>(COMMENTS_SQL, [schemas]);
  return rows.map((r) => ({ ...r, column: r.col }));
}

/**
 * `comment on` statements that give the target the migrations' comments. migra does not compare comments,
 * and the schema's convention is a comment on every table, column, function and view. Objects the schema
 * statements drop and create again lose their comment, so they count as uncommented in the target.
 */
export function diffComments(
  desired: readonly CommentedObject[],
  current: readonly CommentedObject[],
  recreated: ReadonlySet<string>,
): string[] {
  const have = new Map(current.map((o) => [commentKey(o), o.description]));
  const out: string[] = [];
  for (const o of [...desired].sort((a, b) => (commentKey(a) < commentKey(b) ? -1 : 1))) {
    const existing = recreated.has(`${o.schema}.${o.name}`) ? null : (have.get(commentKey(o)) ?? null);
    if (existing === o.description) continue;
    out.push(
      `comment on ${commentTarget(o)} is ${o.description === null ? 'null' : quoteLiteral(o.description)};`,
    );
  }
  return out;
}

function commentKey(o: CommentedObject): string {
  return `${o.kind} ${o.schema}.${o.name}${o.args !== null ? `(${o.args})` : ''}${o.column !== null ? `.${o.column}` : ''}`;
}

function commentTarget(o: CommentedObject): string {
  if (o.kind === 'schema') return `schema ${quoteIdent(o.name)}`;
  if (o.kind === 'column') return `column ${qualified(o.schema, o.name)}.${quoteIdent(o.column ?? '')}`;
  if (o.kind === 'function' || o.kind === 'procedure')
    return `${o.kind} ${qualified(o.schema, o.name)}(${o.args ?? ''})`;
  return `${o.kind} ${qualified(o.schema, o.name)}`;
}
