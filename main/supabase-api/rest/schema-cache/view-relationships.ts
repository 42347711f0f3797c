import type { KeyRow } from './catalog-queries.js';
import type { ViewKeyDependency } from './view-key-deps.js';

/**
 * A many-to-one (or one-to-one) relationship between relations by oid, before names are attached: the
 * foreign key `key` read from `from` to `to`, joined on (from attnum, to attnum) pairs.
 */
export interface KeyRelationship {
  readonly from: string;
  readonly to: string;
  readonly key: KeyRow;
  readonly oneToOne: boolean;
  readonly isSelf: boolean;
  readonly columns: readonly (readonly [number, number])[];
}

function sameColumns(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((c) => b.includes(c));
}

/**
 * The many-to-one relationships of the foreign keys: one-to-one when the referencing columns are the
 * table's primary key or a unique constraint (PostgREST's allM2OandO2ORels). Foreign keys a partition
 * inherited are skipped.
 */
export function foreignKeyRelationships(keys: readonly KeyRow[]): KeyRelationship[] {
  const uniques = new Map<string, (readonly number[])[]>();
  for (const k of keys) {
    if (k.type !== 'f') uniques.set(k.rel, [...(uniques.get(k.rel) ?? []), k.cols]);
  }
  return keys
    .filter((k) => k.type === 'f' && !k.inherited)
    .map((key) => ({
      from: key.rel,
      to: key.frel,
      key,
      oneToOne: (uniques.get(key.rel) ?? []).some((u) => sameColumns(u, key.cols)),
      isSelf: key.rel === key.frel,
      columns: key.cols.map((c, i) => [c, key.fcols[i]!] as const),
    }));
}

/** Every way of picking one view column per key column (a key column may appear under several names). */
function combinations(viewColumns: readonly (readonly number[])[]): number[][] {
  let out: number[][] = [[]];
  for (const options of viewColumns) out = out.flatMap((prefix) => options.map((c) => [...prefix, c]));
  return out;
}

/**
 * Adds the relationships of views, as PostgREST's addViewM2OAndO2ORels does: for each foreign key
 * relationship, a view that shows all of its referencing columns relates to the referenced table
 * (view → table), a view that shows all of its referenced columns is related from the referencing table
 * (table → view), and two such views relate to each other (view → view). The cardinality is the foreign
 * key's.
 */
export function withViewRelationships(
  relationships: readonly KeyRelationship[],
  deps: readonly ViewKeyDependency[],
): KeyRelationship[] {
  const out = [...relationships];
  for (const rel of relationships) {
    const viewTable = deps.filter((d) => d.type === 'f' && d.key === rel.key && d.table === rel.from);
    const tableView = deps.filter((d) => d.type === 'f_ref' && d.key === rel.key && d.table === rel.to);
    const toCols = rel.columns.map(([, to]) => to);
    const fromCols = rel.columns.map(([from]) => from);
    const base = { key: rel.key, oneToOne: rel.oneToOne };
    for (const vt of viewTable) {
      for (const cols of combinations(vt.viewColumns)) {
        out.push({ ...base, from: vt.view, to: rel.to, isSelf: false, columns: zip(cols, toCols) });
      }
    }
    for (const tv of tableView) {
      for (const cols of combinations(tv.viewColumns)) {
        out.push({ ...base, from: rel.from, to: tv.view, isSelf: false, columns: zip(fromCols, cols) });
      }
    }
    for (const vt of viewTable) {
      for (const vtCols of combinations(vt.viewColumns)) {
        for (const tv of tableView) {
          for (const tvCols of combinations(tv.viewColumns)) {
            const isSelf = vt.view === tv.view;
            out.push({ ...base, from: vt.view, to: tv.view, isSelf, columns: zip(vtCols, tvCols) });
          }
        }
      }
    }
  }
  return out;
}

function zip(a: readonly number[], b: readonly number[]): (readonly [number, number])[] {
  return a.map((x, i) => [x, b[i]!] as const);
}

/** The primary key columns (attnums) of a view: the first view column showing each column of a table's
 * primary key, as PostgREST's addViewPrimaryKeys picks them. */
export function viewPrimaryKeys(deps: readonly ViewKeyDependency[]): Map<string, number[]> {
  const keys = new Map<string, number[]>();
  for (const d of deps) {
    if (d.type !== 'p') continue;
    keys.set(d.view, [...(keys.get(d.view) ?? []), ...d.viewColumns.map((cols) => cols[0]!)]);
  }
  return keys;
}
