// Runs Flow Desktop's catalog checks (shared/catalog/catalog-checks.ts, the same code the GUI runs as you type) on
// a publication: looks up what the checks need from the live catalog, as the publisher may see it, and turns
// every problem into a draft error scoped `<catalog name>#<JSON pointer>`.
import type pg from 'pg';

import {
  type Capability,
  checkCatalog,
  type Dependent,
  type LiveEntry,
  referencedNames,
} from '../../../../shared/catalog/catalog-checks.js';
import { specErrorScope } from '../../../../shared/catalog/error-scope.js';
import type { DraftSpecRow } from '../../sql/publication-sql.js';
import type { SpecType } from './catalog-specs.js';
import type { DraftError } from './transition-checks.js';

/** The publisher's capability on a name, as the checks compare it. */
export type CapabilityOf = (name: string) => Capability | null;

/** Escapes a string for a LIKE pattern (catalog names may hold `_`). */
function likePrefix(name: string): string {
  return `${name.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;
}

/** The `/`-prefixes of a name that are names themselves: `a/b/c` → `a`, `a/b`. */
function ancestors(name: string): string[] {
  const parts = name.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

interface LiveRow {
  readonly catalog_name: string;
  readonly spec_type: SpecType;
  readonly spec: unknown;
}

/** Live specs (not deleted) that the checks may need: referenced ones, and names nested with the draft's. */
async function liveSpecsFor(
  client: pg.PoolClient,
  draftNames: readonly string[],
  referenced: readonly string[],
) {
  const { rows } = await client.query<LiveRow>(
    `select catalog_name::text, spec_type::text as spec_type, spec from live_specs
     where spec is not null and (
       catalog_name = any($1::text[])
       or lower(catalog_name) = any($2::text[])
       or exists (select 1 from unnest($3::text[]) p where catalog_name like p)
     )`,
    [
      [...referenced, ...draftNames.flatMap(ancestors)],
      draftNames.map((n) => n.toLowerCase()),
      draftNames.map(likePrefix),
    ],
  );
  return rows;
}

/** Live collection names under the tenants of some names (for "did you mean …?"). */
async function collectionNamesUnder(client: pg.PoolClient, names: readonly string[]): Promise<string[]> {
  const tenants = [...new Set(names.map((n) => n.split('/')[0] ?? n))];
  const { rows } = await client.query<{ catalog_name: string }>(
    `select catalog_name::text from live_specs
     where spec_type = 'collection' and spec is not null
       and exists (select 1 from unnest($1::text[]) p where catalog_name like p)
     order by catalog_name limit 5000`,
    [tenants.map(likePrefix)],
  );
  return rows.map((r) => r.catalog_name);
}

/**
 * The live specs that read from or write into collections the draft deletes (data-flow edges: a reader is the
 * target of an edge from the collection; a writer, a capture or a test, the source of an edge into it).
 */
async function dependentsOf(
  client: pg.PoolClient,
  deleted: readonly string[],
): Promise<{ deleted: string; name: string; type: SpecType; how: 'reads' | 'writes' }[]> {
  if (deleted.length === 0) return [];
  const { rows } = await client.query<{
    deleted: string;
    name: string;
    type: SpecType;
    how: 'reads' | 'writes';
  }>(
    `select d.catalog_name::text as deleted, o.catalog_name::text as name, o.spec_type::text as type, 'reads' as how
       from live_specs d join live_spec_flows f on f.source_id = d.id join live_specs o on o.id = f.target_id
       where d.catalog_name = any($1::text[]) and d.spec_type = 'collection' and o.spec is not null
     union all
     select d.catalog_name::text, o.catalog_name::text, o.spec_type::text, 'writes'
       from live_specs d join live_spec_flows f on f.target_id = d.id join live_specs o on o.id = f.source_id
       where d.catalog_name = any($1::text[]) and d.spec_type = 'collection' and o.spec is not null
         and o.spec_type in ('capture', 'test')
     order by 1, 2`,
    [deleted],
  );
  return rows;
}

/** Flow Desktop's catalog checks of a publication, as draft errors (empty when the catalog is fine). */
export async function catalogCheckErrors(
  client: pg.PoolClient,
  rows: readonly DraftSpecRow[],
  capabilityOf: CapabilityOf,
): Promise<DraftError[]> {
  const draft = rows.map((r) => ({ name: r.catalog_name, type: r.draft_type, spec: r.draft_spec }));
  const referenced = referencedNames(draft);
  const readable = (name: string): boolean => capabilityOf(name) !== null;
  const live = new Map<string, LiveEntry>();
  for (const l of await liveSpecsFor(
    client,
    draft.map((d) => d.name),
    referenced,
  )) {
    // What the publisher may not read does not exist for the checks (and nothing about it leaks).
    if (readable(l.catalog_name))
      live.set(l.catalog_name, { name: l.catalog_name, type: l.spec_type, spec: l.spec });
  }
  const dependents = new Map<string, { visible: Dependent[]; hidden: number }>();
  for (const d of await dependentsOf(
    client,
    draft.filter((d) => d.type === null).map((d) => d.name),
  )) {
    const entry = dependents.get(d.deleted) ?? { visible: [], hidden: 0 };
    if (readable(d.name)) entry.visible.push({ name: d.name, type: d.type, how: d.how });
    else entry.hidden += 1;
    dependents.set(d.deleted, entry);
  }
  const unresolved = referenced.filter((n) => !live.has(n) && !draft.some((d) => d.name === n));
  const knownCollections =
    unresolved.length > 0 ? (await collectionNamesUnder(client, unresolved)).filter(readable) : [];
  return checkCatalog(draft, { live, capability: capabilityOf, dependents, knownCollections }).map(
    (issue) => ({
      scope: specErrorScope(issue.catalogName, issue.pointer),
      detail: issue.message,
    }),
  );
}
