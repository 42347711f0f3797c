import type { CatalogSpecType } from '../../../../shared/control-plane-rows.js';
import { type SpecIssue, validateSpec } from '../../../../shared/catalog/spec-validation.js';

/** What is wrong with a spec's text: a JSON syntax error, or the schema's problems of the parsed value. */
export interface TextIssues {
  readonly syntaxError: string | null;
  readonly issues: readonly SpecIssue[];
}

/** Checks JSON text as the editor does: syntax first, then the catalog schema of `type` (when given). */
export function checkSpecText(text: string, type: CatalogSpecType | null): TextIssues {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { syntaxError: e instanceof Error ? e.message : String(e), issues: [] };
  }
  return { syntaxError: null, issues: type ? validateSpec(type, value) : [] };
}
