/** One SQL statement of a script, with the line it starts on (1-based). */
export interface SqlStatement {
  readonly sql: string;
  readonly line: number;
}

/**
 * Splits a SQL script into its statements at top-level semicolons, as psql would: semicolons inside quoted
 * strings, quoted identifiers, comments and dollar-quoted bodies (`$$ ... $$`, `$fn$ ... $fn$`) do not end a
 * statement. Comments outside statements are dropped; a statement keeps its inner comments.
 */
export function splitSql(script: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  const lineAt = lineFinder(script);
  let start = -1;
  let i = 0;
  const n = script.length;
  const end = (at: number): void => {
    if (start >= 0) {
      const sql = script.slice(start, at).trim();
      if (sql) statements.push({ sql, line: lineAt(start) });
    }
    start = -1;
  };
  while (i < n) {
    const c = script[i] as string;
    const next = script[i + 1];
    if (c === '-' && next === '-') {
      const eol = script.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
      continue;
    }
    if (c === '/' && next === '*') {
      i = skipBlockComment(script, i);
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (start < 0) start = i;
    if (c === ';') {
      end(i);
      i++;
      continue;
    }
    if (c === "'") {
      const escapes = i > 0 && /[eE]/.test(script[i - 1] ?? '') && !/\w/.test(script[i - 2] ?? '');
      i = skipQuoted(script, i, "'", escapes);
      continue;
    }
    if (c === '"') {
      i = skipQuoted(script, i, '"', false);
      continue;
    }
    if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(i, i + 64));
      // `$1` parameters and identifiers containing `$` are not dollar quotes.
      if (tag && !/[\w$]/.test(script[i - 1] ?? '')) {
        const close = script.indexOf(tag[0], i + tag[0].length);
        i = close < 0 ? n : close + tag[0].length;
        continue;
      }
    }
    i++;
  }
  end(n);
  return statements;
}

function skipQuoted(script: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1;
  while (i < script.length) {
    const c = script[i];
    if (backslashEscapes && c === '\\') {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (script[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return script.length;
}

function skipBlockComment(script: string, from: number): number {
  // Block comments nest in Postgres.
  let depth = 0;
  let i = from;
  while (i < script.length) {
    if (script.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (script.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return script.length;
}

/** Maps an offset to its 1-based line by binary search over the newline offsets. */
function lineFinder(script: string): (offset: number) => number {
  const newlines: number[] = [];
  for (let i = script.indexOf('\n'); i >= 0; i = script.indexOf('\n', i + 1)) newlines.push(i);
  return (offset) => {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((newlines[mid] as number) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}
