// Splits SQL scripts into statements with Postgres's own parser (libpg_query, through the `libpg-query` package's
// WebAssembly build: nothing native to compile), so `BEGIN ATOMIC … END` bodies, dollar quotes, nested comments
// and string escapes are never cut, and a script that is not SQL is refused with the line of its error.
// The package (a WebAssembly build) is imported on first use only: the supervisor reaches this module through
// the migrations view and must not pay for the parser at every start.
import type * as LibPgQueryModule from 'libpg-query';

type LibPgQuery = typeof LibPgQueryModule;

/** One SQL statement of a script, with the line it starts on (1-based) and its parse-tree node type. */
export interface SqlStatement {
  readonly sql: string;
  readonly line: number;
  /** The statement's node type in Postgres's parse tree, e.g. `CreateStmt`, `TransactionStmt`. */
  readonly kind: string;
}

/** A script Postgres's parser refuses. */
export class SqlSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly detail: string,
  ) {
    super(`syntax error at line ${line}: ${detail}`);
  }
}

let loaded: Promise<LibPgQuery> | null = null;

/** Loads the parser and its WebAssembly module once (about 0.1 s), on first use. */
function parserReady(): Promise<LibPgQuery> {
  loaded ??= import('libpg-query').then(async (parser) => {
    await parser.loadModule();
    return parser;
  });
  return loaded;
}

/** The 1-based line of a character offset. */
function lineOf(script: string, offset: number): number {
  let line = 1;
  for (let i = script.indexOf('\n'); i >= 0 && i < offset; i = script.indexOf('\n', i + 1)) line++;
  return line;
}

/** The offset of the first character that is neither white space nor inside a comment. */
function skipBlank(text: string, from = 0): number {
  let i = from;
  while (i < text.length) {
    if (/\s/.test(text[i] ?? '')) i++;
    else if (text.startsWith('--', i)) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol + 1;
    } else if (text.startsWith('/*', i)) {
      let depth = 0;
      do {
        if (text.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (text.startsWith('*/', i)) {
          depth--;
          i += 2;
        } else i++;
      } while (depth > 0 && i < text.length);
    } else break;
  }
  return i;
}

interface RawStatement {
  readonly stmt?: Record<string, unknown>;
  readonly stmt_location?: number;
  readonly stmt_len?: number;
}

/**
 * Splits a SQL script into its statements, as Postgres parses them. Comments before a statement are dropped; a
 * statement keeps its inner comments; the terminating semicolons are left out. Throws a SqlSyntaxError naming the
 * line when the script does not parse.
 */
export async function splitSql(script: string): Promise<SqlStatement[]> {
  const parser = await parserReady();
  let stmts: RawStatement[];
  try {
    stmts = (parser.parseSync(script) as { stmts?: RawStatement[] }).stmts ?? [];
  } catch (error: unknown) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    const at = Buffer.from(script, 'utf8')
      .subarray(0, Math.max(0, details?.cursorPosition ?? 0))
      .toString('utf8').length;
    throw new SqlSyntaxError(lineOf(script, at), error instanceof Error ? error.message : String(error));
  }
  // Locations and lengths count UTF-8 bytes.
  const bytes = Buffer.from(script, 'utf8');
  return stmts.map((s) => {
    const startByte = s.stmt_location ?? 0;
    const endByte = s.stmt_len ? startByte + s.stmt_len : bytes.length;
    const before = bytes.subarray(0, startByte).toString('utf8').length;
    const raw = bytes.subarray(startByte, endByte).toString('utf8');
    const skip = skipBlank(raw);
    return {
      sql: raw.slice(skip).trim(),
      line: lineOf(script, before + skip),
      kind: Object.keys(s.stmt ?? {})[0] ?? 'unknown',
    };
  });
}
