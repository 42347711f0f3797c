import type pg from 'pg';

import { diffComments, inspectComments } from './comment-diff.js';
import { isSessionSetting, migraStatements } from './migra-diff.js';
import { inspectAcls, inspectDefaultAcls, inspectRoles } from './privilege-catalog.js';
import { diffPrivileges } from './privilege-diff.js';
import { classifyPrivilegeNoise } from './privilege-noise.js';
import { diffPublications, inspectPublications } from './publication-diff.js';
import { droppedObject, isDestructive } from './sql-names.js';
import { serverVersion } from './target-database.js';
import { createdViews, diffViewOptions, inspectViewOptions } from './view-options-diff.js';

/** Which comparison a statement comes from; the pending file groups them in this order. */
export type DiffSection = 'schema' | 'privileges' | 'comments' | 'publications';

/** One statement of a diff. */
export interface DiffStatement {
  readonly sql: string;
  readonly section: DiffSection;
  /** Privilege-reordering noise: written commented out, never applied. */
  readonly noise: boolean;
  readonly destructive: boolean;
}

/** What it takes to turn the target into what the migrations describe. */
export interface SchemaDiff {
  readonly statements: readonly DiffStatement[];
  readonly warnings: readonly string[];
}

/**
 * Diffs the target (`current`) against the scratch database built from the migrations (`desired`) for
 * `schemas`: migra for the schema, then ACLs, comments and publication membership, which migra does not
 * (fully) compare. Both clients must be connected; they are left open.
 */
export async function diffSchemas(
  current: { client: pg.Client; url: string },
  desired: { client: pg.Client; url: string },
  schemas: readonly string[],
): Promise<SchemaDiff> {
  const others = [
    ...new Set(
      (await Promise.all([current.client, desired.client].map((c) => otherSchemas(c, schemas)))).flat(),
    ),
  ];
  const schemaStatements = await migraStatements(current.url, desired.url, others);
  const recreated = new Set(schemaStatements.map(droppedObject).flatMap((d) => (d ? [d.name] : [])));
  // Signatures and type names come out schema-qualified with an empty search path, alike on both sides.
  await Promise.all([current.client, desired.client].map((c) => c.query('set search_path = pg_catalog')));
  const [currentAcls, desiredAcls, defaults, roles, version] = await Promise.all([
    inspectAcls(current.client, schemas),
    inspectAcls(desired.client, schemas),
    inspectDefaultAcls(current.client),
    inspectRoles(current.client),
    serverVersion(current.client),
  ]);
  const privileges = diffPrivileges(
    {
      desired: desiredAcls,
      current: currentAcls,
      currentDefaults: defaults,
      recreated,
      currentVersion: version.num,
    },
    roles,
  );
  const noise = classifyPrivilegeNoise(privileges.statements, privileges.before);
  const [desiredComments, currentComments, desiredPublications, currentPublications] = await Promise.all([
    inspectComments(desired.client, schemas),
    inspectComments(current.client, schemas),
    inspectPublications(desired.client, schemas),
    inspectPublications(current.client, schemas),
  ]);
  const comments = diffComments(desiredComments, currentComments, recreated);
  const [desiredViews, currentViews] = await Promise.all([
    inspectViewOptions(desired.client, schemas),
    inspectViewOptions(current.client, schemas),
  ]);
  const viewOptions = diffViewOptions(desiredViews, currentViews, createdViews(schemaStatements));
  const desiredTables = new Set(
    desiredAcls.filter((o) => o.kind === 'table').map((o) => `${o.schema}.${o.name}`),
  );
  const publications = diffPublications(desiredPublications, currentPublications, recreated, desiredTables);
  const statements: DiffStatement[] = [
    ...(schemaStatements.some((s) => !isSessionSetting(s)) ? schemaStatements : []).map((sql) =>
      plain(sql, 'schema'),
    ),
    ...viewOptions.map((sql) => plain(sql, 'schema')),
    ...privileges.statements.map((s, i) => ({ ...plain(s.sql, 'privileges'), noise: noise.has(i) })),
    ...comments.map((sql) => plain(sql, 'comments')),
    ...publications.map((sql) => plain(sql, 'publications')),
  ];
  const warnings = privileges.missingRoles.map(
    (role) =>
      `role "${role}" does not exist on the target; the statements that grant to it fail until it is created`,
  );
  const currentTables = new Set(
    currentAcls.filter((o) => o.kind === 'table').map((o) => `${o.schema}.${o.name}`),
  );
  if (desiredTables.size > 0 && ![...desiredTables].some((t) => currentTables.has(t))) {
    // migra orders some dependencies of a whole new schema (column defaults calling new functions) after
    // their users: a diff is for converging an existing schema, not for creating one.
    warnings.push(
      "the target has none of the migrations' tables: deploy a new database with supabase/migrations itself; this file may not apply in this order",
    );
  }
  return { statements, warnings };
}

function plain(sql: string, section: DiffSection): DiffStatement {
  return { sql, section, noise: false, destructive: isDestructive(sql) };
}

async function otherSchemas(client: pg.Client, schemas: readonly string[]): Promise<string[]> {
  const { rows } = await client.query<{ nspname: string }>(
    `select nspname from pg_namespace where not (nspname = any($1))`,
    [schemas],
  );
  return rows.map((r) => r.nspname);
}
