import Database from 'better-sqlite3';

/** One row of the build database's `errors(scope, error)` table. */
export interface BuildError {
  readonly scope: string | null;
  readonly error: string;
}

/** Reads the build errors from a flowctl-go build database (a SQLite file); [] when the table is absent. */
export function readBuildErrors(file: string): BuildError[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare(`select name from sqlite_master where type = 'table' and name = 'errors'`).get();
    if (!table) return [];
    return db.prepare('select scope, error from errors').all() as BuildError[];
  } finally {
    db.close();
  }
}
