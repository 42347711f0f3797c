/** Where one output column of a view comes from: its position and the table column it reads, if any. */
export interface ColumnOrigin {
  /** The view column's number (attnum), from the target entry's `resno`. */
  readonly column: number;
  /** The oid of the relation the column is read from, or '0' for a computed column. */
  readonly table: string;
  /** The attnum in that relation, or 0. */
  readonly tableColumn: number;
}

const SPACE = new Set([' ', '\t', '\n', '\r']);
const BRACKETS = new Set(['(', ')', '{', '}']);

/**
 * Splits a pg_node_tree text into tokens as PostgreSQL's pg_strtok does: `(`, `)`, `{` and `}` stand alone,
 * anything else runs to the next space or bracket, and a backslash takes the next character literally
 * (that is how names with spaces or brackets are written).
 */
function* tokens(text: string): Generator<string> {
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (SPACE.has(ch)) {
      i++;
    } else if (BRACKETS.has(ch)) {
      i++;
      yield ch;
    } else {
      let atom = '';
      while (i < n && !SPACE.has(text[i]!) && !BRACKETS.has(text[i]!)) {
        if (text[i] === '\\' && i + 1 < n) i++;
        atom += text[i];
        i++;
      }
      yield atom;
    }
  }
}

/**
 * The origins of a view's columns, read from its rewrite rule (`pg_rewrite.ev_action::text`): the
 * `resorigtbl`/`resorigcol` PostgreSQL records on each entry of the top-level query's target list, as
 * PostgREST's allViewsKeyDependencies reads them. Nested queries (subqueries, CTEs, union branches) are
 * skipped; a union's own target list carries no origins, so its columns trace nowhere.
 */
export function targetListOrigins(nodeTree: string): ColumnOrigin[] {
  const origins: ColumnOrigin[] = [];
  const stack: string[] = [];
  // 'field' after `:targetList` at the query's level; 'list' inside that list.
  let state: 'query' | 'field' | 'list' = 'query';
  let listDepth = 0;
  let entry: { column: number; table: string; tableColumn: number; junk: boolean } | null = null;
  let pendingField: string | null = null;
  for (const token of tokens(nodeTree)) {
    if (token === '(' || token === '{') {
      stack.push(token);
      if (state === 'field') {
        if (token !== '(') return origins;
        state = 'list';
        listDepth = stack.length;
      } else if (state === 'list' && token === '{' && stack.length === listDepth + 1) {
        entry = { column: 0, table: '0', tableColumn: 0, junk: false };
      }
      pendingField = null;
      continue;
    }
    if (token === ')' || token === '}') {
      if (state === 'list' && stack.length === listDepth + 1 && entry !== null) {
        if (!entry.junk)
          origins.push({ column: entry.column, table: entry.table, tableColumn: entry.tableColumn });
        entry = null;
      }
      if (state === 'list' && stack.length === listDepth) return origins;
      stack.pop();
      pendingField = null;
      continue;
    }
    if (state === 'query') {
      // The top query's own fields sit inside `({QUERY`: two levels deep.
      if (stack.length === 2 && token === ':targetList') state = 'field';
      continue;
    }
    if (state === 'field') {
      // `<>`: an empty target list.
      return origins;
    }
    if (entry !== null && stack.length === listDepth + 1) {
      if (token.startsWith(':')) {
        pendingField = token;
      } else if (pendingField !== null) {
        if (pendingField === ':resno') entry.column = Number(token);
        else if (pendingField === ':resorigtbl') entry.table = token;
        else if (pendingField === ':resorigcol') entry.tableColumn = Number(token);
        else if (pendingField === ':resjunk') entry.junk = token === 'true';
        pendingField = null;
      }
    }
  }
  return origins;
}
