import type pg from 'pg';

/** A view's storage options (`security_invoker=true`, `check_option=local`, ...), keyed by `schema.name`. */
export type ViewOptions = ReadonlyMap<string, readonly string[]>;

const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The options of every view in `schemas` (from `pg_class.reloptions`). */
export async function inspectViewOptions(
  client: pg.Client,
  schemas: readonly string[],
): Promise<ViewOptions> {
  const { rows } = await client.query<{ schema: string; name: string; options: string[] | null }>(
    `select n.nspname as schema, c.relname as name, c.reloptions as options
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'v' and n.nspname = any($1)`,
    [schemas],
  );
  return new Map(rows.map((r) => [`${r.schema}.${r.name}`, [...(r.options ?? [])].sort()]));
}

/** The views a list of migra statements creates (or replaces), as `schema.name`. */
export function createdViews(statements: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const s of statements) {
    const m = /^create\s+(?:or\s+replace\s+)?view\s+"((?:[^"]|"")+)"\."((?:[^"]|"")+)"/i.exec(s);
    if (m?.[1] && m[2]) out.add(`${m[1].replaceAll('""', '"')}.${m[2].replaceAll('""', '"')}`);
  }
  return out;
}

/**
 * `alter view … set/reset (…)` statements that give the target's views the migrations' options. migra creates
 * views without their `with (…)` options (so a `security_invoker` view would come back evaluated with its
 * owner's rights) and does not compare them: a view it creates gets all its options set, and a view whose
 * options differ gets the difference.
 */
export function diffViewOptions(
  desired: ViewOptions,
  current: ViewOptions,
  created: ReadonlySet<string>,
): string[] {
  const statements: string[] = [];
  for (const [view, want] of [...desired].sort(([a], [b]) => a.localeCompare(b))) {
    const [schema = '', name = ''] = view.split(/\.(.*)/s);
    const qualified = `${ident(schema)}.${ident(name)}`;
    const have = created.has(view) ? [] : (current.get(view) ?? null);
    if (have === null) continue; // Not in the target and not created: migra says why (it never is).
    const keys = (opts: readonly string[]): string[] => opts.map((o) => o.split('=')[0] ?? o);
    const reset = keys(have).filter((k) => !keys(want).includes(k));
    if (reset.length > 0 && !created.has(view))
      statements.push(`alter view ${qualified} reset (${reset.join(', ')})`);
    const set = want.filter((o) => created.has(view) || !have.includes(o));
    if (set.length > 0) statements.push(`alter view ${qualified} set (${set.join(', ')})`);
  }
  return statements;
}
