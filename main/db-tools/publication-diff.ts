import type pg from 'pg';

import { qualified, quoteIdent } from './sql-names.js';

/** The publications of a database and which tables of the diffed schemas each one carries. */
export type Publications = ReadonlyMap<string, ReadonlySet<string>>;

/** Publications (except `for all tables` ones) with their tables of the schemas, as `schema.name`. */
export async function inspectPublications(
  client: pg.Client,
  schemas: readonly string[],
): Promise<Publications> {
  const { rows } = await client.query<{ pubname: string; schema: string | null; name: string | null }>(
    `select p.pubname, n.nspname as schema, c.relname as name
       from pg_publication p
       left join pg_publication_rel pr on pr.prpubid = p.oid
       left join pg_class c on c.oid = pr.prrelid
       left join pg_namespace n on n.oid = c.relnamespace and n.nspname = any($1)
      where not p.puballtables`,
    [schemas],
  );
  const result = new Map<string, Set<string>>();
  for (const r of rows) {
    const tables = result.get(r.pubname) ?? new Set<string>();
    if (r.schema !== null && r.name !== null) tables.add(`${r.schema}.${r.name}`);
    result.set(r.pubname, tables);
  }
  return result;
}

/**
 * `alter publication ... add/drop table` for publications both databases have (Supabase's
 * `supabase_realtime`, which streams the async tables' status); migra does not compare publications.
 * Tables the schema statements re-create left every publication, so they are added back.
 * `desiredTables` are the tables (`schema.name`) the migrations define.
 */
export function diffPublications(
  desired: Publications,
  current: Publications,
  recreated: ReadonlySet<string>,
  desiredTables: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  for (const [pubname, want] of [...desired].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const have = current.get(pubname);
    if (!have) continue;
    const table = (t: string): string => {
      const dot = t.indexOf('.');
      return qualified(t.slice(0, dot), t.slice(dot + 1));
    };
    for (const t of [...want].sort()) {
      if (!have.has(t) || recreated.has(t))
        out.push(`alter publication ${quoteIdent(pubname)} add table ${table(t)};`);
    }
    for (const t of [...have].sort()) {
      // A table the migrations no longer have is dropped by the schema statements, publications and all.
      if (!want.has(t) && !recreated.has(t) && desiredTables.has(t))
        out.push(`alter publication ${quoteIdent(pubname)} drop table ${table(t)};`);
    }
  }
  return out;
}
