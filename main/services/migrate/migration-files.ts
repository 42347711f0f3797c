import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One SQL file to apply, with the checksum that detects later edits. */
export interface SqlFile {
  readonly file: string;
  readonly fileName: string;
  readonly version: string;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

const MIGRATION_NAME = /^(\d+)_(.+)\.sql$/;

/** sha256 of a file's text, hex. */
export function checksum(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Reads one SQL file. */
export function readSqlFile(file: string, version = '', name = path.basename(file, '.sql')): SqlFile {
  const sql = readFileSync(file, 'utf8');
  return { file, fileName: path.basename(file), version, name, sql, checksum: checksum(sql) };
}

/**
 * The migrations of a folder in version order (`<version>_<name>.sql`, as the Supabase CLI names them).
 * Other files are reported in `skipped` rather than silently ignored.
 */
export function listMigrations(dir: string): { files: SqlFile[]; skipped: string[] } {
  if (!existsSync(dir)) return { files: [], skipped: [] };
  const files: SqlFile[] = [];
  const skipped: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const match = MIGRATION_NAME.exec(entry);
    if (!match) {
      if (entry.endsWith('.sql')) skipped.push(entry);
      continue;
    }
    files.push(readSqlFile(path.join(dir, entry), match[1], match[2]));
  }
  files.sort((a, b) => compareVersions(a.version, b.version));
  const seen = new Map<string, string>();
  for (const f of files) {
    const other = seen.get(f.version);
    if (other)
      throw new Error(`migrations ${other} and ${f.fileName} share version ${f.version}; rename one`);
    seen.set(f.version, f.fileName);
  }
  return { files, skipped };
}

/** The SQL files of a folder in name order (the bootstrap). */
export function listSqlFiles(dir: string): SqlFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => readSqlFile(path.join(dir, f)));
}

function compareVersions(a: string, b: string): number {
  return a.length === b.length ? a.localeCompare(b) : BigInt(a) < BigInt(b) ? -1 : 1;
}
