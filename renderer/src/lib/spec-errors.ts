import type { DraftErrorRow } from '../../../shared/control-plane-rows.js';
import { parseErrorScope } from '../../../shared/catalog/error-scope.js';

/** A draft error as the editor shows it: its text and, when the scope has one, the place in the spec. */
export interface SpecError {
  readonly detail: string;
  readonly pointer: string;
  readonly scope: string;
}

/** The draft's errors grouped by the spec they name; errors naming no spec of the draft are `general`. */
export function groupDraftErrors(
  errors: readonly DraftErrorRow[],
  specNames: readonly string[],
): { bySpec: ReadonlyMap<string, readonly SpecError[]>; general: readonly SpecError[] } {
  const names = new Set(specNames);
  const bySpec = new Map<string, SpecError[]>();
  const general: SpecError[] = [];
  for (const e of errors) {
    const target = parseErrorScope(e.scope);
    const error = { detail: e.detail, pointer: target?.pointer ?? '', scope: e.scope };
    if (target && names.has(target.catalogName))
      bySpec.set(target.catalogName, [...(bySpec.get(target.catalogName) ?? []), error]);
    else general.push(error);
  }
  return { bySpec, general };
}

/** An `expect_pub_id` mismatch: the publication the draft started from and the one that is live now. */
export interface PublicationConflict {
  readonly expected: string;
  readonly actual: string;
}

const CONFLICT = /Draft expects a last publication ID of ([0-9a-f:]+), but it's now ([0-9a-f:]+)/;

/** The conflict an error reports, or null (the agent's message for an `expect_pub_id` mismatch). */
export function publicationConflict(detail: string): PublicationConflict | null {
  const match = CONFLICT.exec(detail);
  return match?.[1] && match[2] ? { expected: match[1], actual: match[2] } : null;
}
