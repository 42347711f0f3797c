// Every name in a build must be covered by a storage mapping: collections by one for their name, tasks by one
// for `recovery/<name>` (their recovery logs).
import { isTask, type ParsedSpec } from './catalog-specs.js';
import type { DraftError } from './transition-checks.js';

const PROVIDERS = new Set(['S3', 'GCS', 'AZURE']);

/** Why a storage mapping spec is invalid, or null when it is fine. */
export function invalidStorageSpec(spec: unknown): string | null {
  const stores = (spec as { stores?: unknown } | null)?.stores;
  if (!Array.isArray(stores) || stores.length === 0) return 'it must have a non-empty "stores" array';
  for (const store of stores as unknown[]) {
    const s = store as { provider?: unknown; bucket?: unknown } | null;
    if (typeof s?.provider !== 'string' || !PROVIDERS.has(s.provider))
      return 'each store needs a provider of S3, GCS or AZURE';
    if (typeof s.bucket !== 'string' || s.bucket === '') return 'each store needs a bucket';
  }
  return null;
}

/** Checks coverage; returns the errors and the mappings the build uses (prefix → spec). */
export function checkStorage(
  specs: readonly { readonly name: string; readonly parsed: ParsedSpec }[],
  mappings: readonly { readonly catalog_prefix: string; readonly spec: unknown }[],
): { errors: DraftError[]; used: Record<string, unknown> } {
  const errors: DraftError[] = [];
  const used: Record<string, unknown> = {};
  // The longest (most specific) prefix wins.
  const sorted = [...mappings].sort((a, b) => b.catalog_prefix.length - a.catalog_prefix.length);
  const need = (scope: string, target: string): void => {
    const mapping = sorted.find((m) => target.startsWith(m.catalog_prefix));
    if (!mapping) {
      errors.push({ scope, detail: `No storage mapping covers ${target}` });
      return;
    }
    const invalid = invalidStorageSpec(mapping.spec);
    if (invalid)
      errors.push({
        scope,
        detail: `The storage mapping of ${mapping.catalog_prefix} is invalid: ${invalid}`,
      });
    else used[mapping.catalog_prefix] = mapping.spec;
  };
  for (const { name, parsed } of specs) {
    if (parsed.type === 'collection') need(name, name);
    if (isTask(parsed)) need(name, `recovery/${name}`);
  }
  return { errors, used };
}
