// Joins each locked draft spec with what the checks need: the user's capability on the name, the spec's role
// grants, the parsed draft spec and the parsed live spec.
import type pg from 'pg';

import { errorMessage } from '../../queue/job-handler.js';
import { capabilityOrder, type DraftSpecRow, roleGrantsOf, userRoles } from '../../sql/publication-sql.js';
import type { CapabilityOf } from './catalog-checks.js';
import { type ParsedSpec, parseSpec } from './catalog-specs.js';
import type { CapabilityAtLeast, DraftError, ResolvedSpec } from './transition-checks.js';

// The enum never changes while an agent runs: read its order once.
let capabilities: Promise<string[]> | null = null;

async function atLeastFn(client: pg.PoolClient): Promise<CapabilityAtLeast> {
  capabilities ??= capabilityOrder(client);
  const order = await capabilities;
  return (have, want) => have !== null && order.indexOf(have) >= order.indexOf(want);
}

/** Parses a live spec; live specs were valid when published, so if the format moved on, keep what we know. */
export function parseLive(type: ParsedSpec['type'], spec: unknown): ParsedSpec {
  try {
    return parseSpec(type, spec);
  } catch {
    return { type, spec, readsFrom: [], writesTo: [], image: null, isDerivation: false };
  }
}

/** Resolves the locked rows of a publication; parse errors are returned, not thrown. */
export async function resolveSpecs(
  client: pg.PoolClient,
  rows: readonly DraftSpecRow[],
  userId: string,
  pubId: string,
): Promise<{
  resolved: ResolvedSpec[];
  parseErrors: DraftError[];
  atLeast: CapabilityAtLeast;
  capabilityOf: CapabilityOf;
}> {
  const atLeast = await atLeastFn(client);
  const roles = await userRoles(client, userId);
  const best = (name: string): string | null =>
    roles
      .filter((role) => name.startsWith(role.role_prefix))
      .reduce<string | null>(
        (acc, role) => (acc === null || atLeast(role.capability, acc) ? role.capability : acc),
        null,
      );
  const capabilityOf: CapabilityOf = (name) => {
    const have = best(name);
    for (const c of ['admin', 'write', 'read'] as const) if (atLeast(have, c)) return c;
    return null;
  };
  const grants = await roleGrantsOf(
    client,
    rows.map((r) => r.catalog_name),
  );
  const parseErrors: DraftError[] = [];
  const resolved = rows.map((r): ResolvedSpec => {
    const userCapability = best(r.catalog_name);
    let parsed: ParsedSpec | null = null;
    if (r.draft_type !== null) {
      try {
        parsed = parseSpec(r.draft_type, r.draft_spec);
      } catch (error: unknown) {
        parseErrors.push({
          scope: r.catalog_name,
          detail: `Invalid ${r.draft_type} specification ${r.catalog_name}: ${errorMessage(error)}`,
        });
      }
    }
    // A live spec the user may not even read is treated as being created: nothing about it leaks.
    const liveKnown = atLeast(userCapability, 'read');
    return {
      row: r,
      parsed,
      live: liveKnown && r.live_type !== null ? parseLive(r.live_type, r.live_spec) : null,
      liveKnown,
      createdNow: r.live_type === null && r.last_pub_id === pubId,
      userCapability,
      grants: grants.filter((g) => r.catalog_name.startsWith(g.subject_role)),
    };
  });
  return { resolved, parseErrors, atLeast, capabilityOf };
}

/** Deleted specs that ran in the data plane, grouped by the build that last built them. */
export function deletionsByBuild(resolved: readonly ResolvedSpec[]): Map<string, string[]> {
  const deletions = new Map<string, string[]>();
  for (const s of resolved) {
    if (s.parsed || !s.live || s.live.type === 'test') continue;
    deletions.set(s.row.last_build_id, [...(deletions.get(s.row.last_build_id) ?? []), s.row.catalog_name]);
  }
  return deletions;
}
