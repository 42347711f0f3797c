// The checks a publication makes before changing the live catalog. Every check runs and every error is
// collected, so the user sees all problems of a draft at once in draft_errors.
import type { DraftSpecRow, Grant } from '../../sql/publication-sql.js';
import type { ParsedSpec } from './catalog-specs.js';

/** The all-zero publication id: "this spec must not exist yet". */
export const ZERO_ID = '00:00:00:00:00:00:00:00';

/** An error about one catalog name. */
export interface DraftError {
  readonly scope: string;
  readonly detail: string;
}

/** A draft spec with what the checks need to know. */
export interface ResolvedSpec {
  readonly row: DraftSpecRow;
  /** Null for a deletion. */
  readonly parsed: ParsedSpec | null;
  /** The previous live spec, null when it never existed (or the user may not know it). */
  readonly live: ParsedSpec | null;
  /** Whether the live spec is visible to the user at all (else it is treated as being created). */
  readonly liveKnown: boolean;
  /** Whether the live_specs row was inserted by this very publication (the name is new). */
  readonly createdNow: boolean;
  /** The user's capability on the name (null = none). */
  readonly userCapability: string | null;
  /** Role grants of the spec (subject_role prefixes the name). */
  readonly grants: readonly Grant[];
}

/** Compares capabilities by enum order. */
export type CapabilityAtLeast = (have: string | null, want: string) => boolean;

/** Validates every transition; an empty list means the draft may be applied. */
export function checkTransitions(specs: readonly ResolvedSpec[], atLeast: CapabilityAtLeast): DraftError[] {
  const errors: DraftError[] = [];
  for (const s of specs) {
    const name = s.row.catalog_name;
    const add = (detail: string): void => void errors.push({ scope: name, detail });
    if (!atLeast(s.userCapability, 'admin')) {
      add(
        `User is not authorized to change ${name}: it needs the admin capability (it has ${s.userCapability ?? 'none'})`,
      );
    }
    if (s.parsed) checkGrants(s, atLeast, add);

    const liveExists = s.liveKnown && s.live !== null;
    // A row whose spec is null that an earlier publication left behind was published as a deletion.
    const wasDeleted = s.liveKnown && s.live === null && !s.createdNow;
    const expect = s.row.expect_pub_id;
    if (expect !== null) {
      const actual = liveExists || wasDeleted ? s.row.last_pub_id : ZERO_ID;
      if (expect !== actual) add(`Draft expects a last publication ID of ${expect}, but it's now ${actual}`);
    }
    if (!s.parsed && !liveExists) {
      add(`Cannot delete ${name}: it does not exist`);
    }
    if (s.parsed && wasDeleted) {
      add(`Cannot re-create ${name}: a specification with this name existed and was deleted`);
    }
    if (s.parsed && s.live && s.parsed.type !== s.live.type) {
      add(`Draft has an incompatible ${s.parsed.type} vs current ${s.live.type} specification for ${name}`);
    }
    if (s.parsed?.type === 'collection' && s.live?.type === 'collection') {
      const [was, now] = [s.live.key ?? [], s.parsed.key ?? []];
      if (JSON.stringify(was) !== JSON.stringify(now)) {
        add(
          `Cannot change the key of an established collection from ${JSON.stringify(was)} to ${JSON.stringify(now)}`,
        );
      }
      const [pWas, pNow] = [s.live.partitions ?? [], s.parsed.partitions ?? []];
      if (JSON.stringify(pWas) !== JSON.stringify(pNow)) {
        add(
          `Cannot change the partitions of an established collection from ${JSON.stringify(pWas)} to ${JSON.stringify(pNow)}`,
        );
      }
    }
  }
  return errors;
}

function checkGrants(s: ResolvedSpec, atLeast: CapabilityAtLeast, add: (detail: string) => void): void {
  const parsed = s.parsed;
  if (!parsed) return;
  const available = s.grants.length
    ? s.grants.map((g) => `${g.subject_role} → ${g.object_role}: ${g.capability}`).join('; ')
    : 'none';
  const covered = (collection: string, want: string): boolean =>
    s.grants.some((g) => collection.startsWith(g.object_role) && atLeast(g.capability, want));
  for (const c of parsed.readsFrom) {
    if (!covered(c, 'read')) {
      add(
        `Specification ${s.row.catalog_name} reads from ${c}, which no role grant of it allows to read (available grants: ${available})`,
      );
    }
  }
  for (const c of parsed.writesTo) {
    if (!covered(c, 'write')) {
      add(
        `Specification ${s.row.catalog_name} writes to ${c}, which no role grant of it allows to write (available grants: ${available})`,
      );
    }
  }
}
