// The `scope` of a draft_errors row names where an error is: a catalog name, optionally with a JSON-pointer
// fragment into its spec (`aliceCo/orders#/key/0`, written by the agent's own checks), or a build's resource URL
// with a pointer into the catalog document (`file:///flow.json#/collections/aliceCo~1orders/key`, from
// flowctl-go's build database). Catalog names never contain `#`, so the fragment is unambiguous.
import { pointerOf, pointerTokens } from './json-pointer.js';

/** The scope of an error about a place in a spec (the whole spec when the pointer is empty). */
export function specErrorScope(catalogName: string, pointer: string): string {
  return pointer === '' ? catalogName : `${catalogName}#${pointer}`;
}

const CATALOG_SECTIONS = new Set(['collections', 'captures', 'materializations', 'tests']);

/** The spec an error scope names and the place inside it, or null when it names no spec (`flow://draft`). */
export function parseErrorScope(scope: string): { catalogName: string; pointer: string } | null {
  const hash = scope.indexOf('#');
  const resource = hash < 0 ? scope : scope.slice(0, hash);
  const fragment = hash < 0 ? '' : scope.slice(hash + 1);
  if (!resource.includes(':')) return { catalogName: resource, pointer: fragment };
  // A build resource: the fragment points into the catalog document, `/<section>/<name>/<inside>`.
  const [section, name, ...inside] = pointerTokens(fragment);
  if (!section || !CATALOG_SECTIONS.has(section) || !name) return null;
  return { catalogName: name, pointer: pointerOf(inside) };
}
