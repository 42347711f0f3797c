import type { SqlFile } from './migration-files.js';

/** Turns a Postgres error raised by a file into one line naming the file, line and message. */
export function describeSqlError(file: SqlFile, error: unknown): string {
  const pgError = error as { message?: string; position?: string; code?: string };
  const message = pgError.message ?? String(error);
  const position = Number(pgError.position);
  const where = Number.isFinite(position) && position > 0 ? `:${lineOf(file.sql, position)}` : '';
  return `${file.fileName}${where}: ${message}${pgError.code ? ` (SQLSTATE ${pgError.code})` : ''}`;
}

function lineOf(text: string, position: number): number {
  return text.slice(0, position - 1).split('\n').length;
}
