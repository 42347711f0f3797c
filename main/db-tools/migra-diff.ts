import { createClient } from '@pgkit/client';
import { Migration } from '@pgkit/migra';
import pg from 'pg';

import { droppedObject } from './sql-names.js';
import { createdViews } from './view-options-diff.js';

/**
 * The schema statements (tables, columns, constraints, indexes, views, functions, types, policies,
 * triggers, RLS switches) that turn `currentUrl` into `desiredUrl`, from @pgkit/migra (the TypeScript port
 * of migra). Every schema but `schemas` is excluded, in one run, so statements across public and internal
 * come in migra's dependency order. Drops are allowed (the file is reviewed) and flagged elsewhere;
 * privileges are left to the ACL comparison, because migra compares only table-level grants.
 */
export async function migraStatements(
  currentUrl: string,
  desiredUrl: string,
  otherSchemas: readonly string[],
): Promise<string[]> {
  const current = createClient(currentUrl);
  const desired = createClient(desiredUrl);
  try {
    const migration = await Migration.create(current, desired, { exclude_schema: [...otherSchemas] });
    migration.set_safety(false);
    migration.add_all_changes(false);
    const statements = hoistDomains([...migration.statements].map((s) => s.trim()).filter((s) => s !== ''));
    return await withoutNeedlessViewRecreation(statements, currentUrl, desiredUrl, otherSchemas);
  } finally {
    await Promise.all([current.end(), desired.end()]);
  }
}

/** What a view is, as compared: its query, its columns with types, its options, and what it depends on. */
interface ViewShape {
  readonly signature: string;
  readonly dependsOn: readonly string[];
}

async function viewShapes(url: string, otherSchemas: readonly string[]): Promise<Map<string, ViewShape>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Signatures and type names schema-qualified, alike on both sides.
    await client.query('set search_path = pg_catalog');
    const { rows } = await client.query<{ name: string; signature: string; depends_on: string[] }>(
      `select n.nspname || '.' || c.relname as name,
              concat_ws(' | ', pg_get_viewdef(c.oid), c.reloptions::text,
                (select string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' order by a.attnum)
                   from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped)) as signature,
              array(select distinct coalesce(dn.nspname || '.' || dc.relname, pn.nspname || '.' || p.proname)
                      from pg_rewrite r join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid
                      left join pg_class dc on d.refclassid = 'pg_class'::regclass and dc.oid = d.refobjid and dc.oid <> c.oid
                      left join pg_namespace dn on dn.oid = dc.relnamespace
                      left join pg_proc p on d.refclassid = 'pg_proc'::regclass and p.oid = d.refobjid
                      left join pg_namespace pn on pn.oid = p.pronamespace
                     where r.ev_class = c.oid and (dc.oid is not null or p.oid is not null)) as depends_on
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'v' and not (n.nspname = any($1))`,
      [otherSchemas],
    );
    return new Map(rows.map((r) => [r.name, { signature: r.signature, dependsOn: r.depends_on }]));
  } finally {
    await client.end();
  }
}

/**
 * migra drops and re-creates every view of a table it considers changed, and it considers a table changed
 * when only its column order differs (a column dropped and added again comes back last, which no `alter` can
 * undo): applying such a diff leaves the same difference, so the next diff drops and re-creates the views
 * again, forever. A view whose query, columns, options and dependencies are already the same on both sides, and
 * none of whose dependencies is itself dropped, is left out of both statements.
 */
async function withoutNeedlessViewRecreation(
  statements: readonly string[],
  currentUrl: string,
  desiredUrl: string,
  otherSchemas: readonly string[],
): Promise<string[]> {
  const dropped = new Map<string, string>(); // view → its drop statement
  for (const s of statements) {
    const d = droppedObject(s);
    if (d?.kind === 'view') dropped.set(d.name, s);
  }
  const created = createdViews(statements);
  const candidates = [...dropped.keys()].filter((v) => created.has(v));
  if (candidates.length === 0) return [...statements];
  const [current, desired] = await Promise.all([
    viewShapes(currentUrl, otherSchemas),
    viewShapes(desiredUrl, otherSchemas),
  ]);
  const droppedObjects = new Set(statements.map(droppedObject).flatMap((d) => (d ? [d.name] : [])));
  const keep = new Set<string>();
  // Until nothing changes: a view left alone no longer counts as dropped for the views that depend on it.
  for (let changed = true; changed;) {
    changed = false;
    for (const view of candidates) {
      if (keep.has(view)) continue;
      const want = desired.get(view);
      const have = current.get(view);
      const same =
        want !== undefined &&
        have !== undefined &&
        want.signature === have.signature &&
        !want.dependsOn.some((dep) => droppedObjects.has(dep));
      if (same) {
        keep.add(view);
        droppedObjects.delete(view);
        changed = true;
      }
    }
  }
  if (keep.size === 0) return [...statements];
  return statements.filter((s) => {
    const d = droppedObject(s);
    if (d?.kind === 'view' && keep.has(d.name)) return false;
    const c = createdViews([s]);
    return ![...c].some((v) => keep.has(v));
  });
}

/** Whether a migra statement changes anything (`set check_function_bodies = off` only prepares). */
export function isSessionSetting(statement: string): boolean {
  return /^set\s/i.test(statement);
}

/**
 * migra creates domains after tables, so a new table with a column of a new domain fails. Domains depend
 * only on types (created before tables) and functions (created after both), never on tables: moving their
 * creation in front of the first table keeps every other dependency as it was.
 */
export function hoistDomains(statements: readonly string[]): string[] {
  const isDomain = (s: string): boolean => /^create\s+domain\s/i.test(s);
  const firstTable = statements.findIndex((s) => /^create\s+(unlogged\s+)?table\s/i.test(s));
  const domains = statements.filter(isDomain);
  if (firstTable < 0 || domains.length === 0) return [...statements];
  const rest = statements.filter((s) => !isDomain(s));
  const at = rest.findIndex((s) => /^create\s+(unlogged\s+)?table\s/i.test(s));
  return [...rest.slice(0, at), ...domains, ...rest.slice(at)];
}
