import { readFile } from 'node:fs/promises';

import type { SqlJsStatic } from 'sql.js';

/** One row of the build database's `errors(scope, error)` table. */
export interface BuildError {
  readonly scope: string | null;
  readonly error: string;
}

let sqlite: Promise<SqlJsStatic> | undefined;

/**
 * SQLite compiled to WebAssembly (sql.js), loaded on first use: no native addon to compile at install or to
 * unpack from a packaged app, and agents that never read a build never load it.
 */
function loadSqlite(): Promise<SqlJsStatic> {
  sqlite ??= import('sql.js').then(({ default: init }) => init());
  return sqlite;
}

/** Reads the build errors from a flowctl-go build database (a SQLite file); [] when the table is absent. */
export async function readBuildErrors(file: string): Promise<BuildError[]> {
  const [SQL, bytes] = await Promise.all([loadSqlite(), readFile(file)]);
  const db = new SQL.Database(bytes);
  try {
    const [table] = db.exec(`select name from sqlite_master where type = 'table' and name = 'errors'`);
    if (!table) return [];
    const [result] = db.exec('select scope, error from errors');
    return (result?.values ?? []).map(([scope, error]) => ({
      scope: typeof scope === 'string' ? scope : null,
      error: String(error),
    }));
  } finally {
    db.close();
  }
}
