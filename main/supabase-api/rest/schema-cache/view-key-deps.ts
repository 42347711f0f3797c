import type { KeyRow } from './catalog-queries.js';
import type { ColumnOrigin } from './node-tree.js';

/**
 * A key of a base table that a view exposes in full (PostgREST's ViewKeyDependency): the view has a column
 * for every column of the key. `p` is the table's primary key, `f` the columns of a foreign key (the
 * referencing side) and `f_ref` the columns a foreign key references.
 */
export interface ViewKeyDependency {
  readonly table: string;
  readonly view: string;
  readonly key: KeyRow;
  readonly type: 'p' | 'f' | 'f_ref';
  /**
   * For each column of the key, in key order: the view's columns (attnums) that read it. A view may show a
   * column several times under different names; each name can then stand for it.
   */
  readonly viewColumns: readonly (readonly number[])[];
}

/** Which base columns each view column reads: view oid → `table:attnum` → the view's attnums. */
type Reads = Map<string, Map<string, number[]>>;

/**
 * Follows each column of the `start` views back through views (views on views) to the table columns it
 * reads, as PostgREST's recursive query does; a cycle stops the walk.
 */
function traceReads(views: ReadonlyMap<string, readonly ColumnOrigin[]>, start: Iterable<string>): Reads {
  const reads: Reads = new Map();
  for (const view of start) {
    const byColumn = new Map<string, number[]>();
    for (const origin of views.get(view) ?? []) {
      let table = origin.table;
      let column = origin.tableColumn;
      const seen = new Set<string>([view]);
      while (table !== '0' && !seen.has(table)) {
        seen.add(table);
        const key = `${table}:${column}`;
        const cols = byColumn.get(key) ?? [];
        if (!cols.includes(origin.column)) cols.push(origin.column);
        byColumn.set(key, cols);
        const next = views.get(table)?.find((o) => o.column === column);
        if (!next) break;
        table = next.table;
        column = next.tableColumn;
      }
    }
    reads.set(view, byColumn);
  }
  return reads;
}

/**
 * The view key dependencies of the `start` views (those of the exposed schemas): every primary key,
 * foreign key and foreign key target whose columns all appear in the view. `views` maps each view that
 * may be traced through (exposed and extra schemas) to its column origins.
 */
export function viewKeyDependencies(
  views: ReadonlyMap<string, readonly ColumnOrigin[]>,
  start: Iterable<string>,
  keys: readonly KeyRow[],
): ViewKeyDependency[] {
  const reads = traceReads(views, start);
  const sides: { table: string; cols: readonly number[]; type: ViewKeyDependency['type']; key: KeyRow }[] =
    [];
  for (const key of keys) {
    if (key.type === 'p') sides.push({ table: key.rel, cols: key.cols, type: 'p', key });
    if (key.type === 'f') {
      sides.push({ table: key.rel, cols: key.cols, type: 'f', key });
      sides.push({ table: key.frel, cols: key.fcols, type: 'f_ref', key });
    }
  }
  const deps: ViewKeyDependency[] = [];
  for (const [view, byColumn] of reads) {
    if (byColumn.size === 0) continue;
    for (const side of sides) {
      const viewColumns = side.cols.map((c) => byColumn.get(`${side.table}:${c}`));
      if (viewColumns.every((v) => v !== undefined)) {
        deps.push({ table: side.table, view, key: side.key, type: side.type, viewColumns });
      }
    }
  }
  return deps;
}
