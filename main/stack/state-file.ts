import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A state file of the data directory that is damaged: the message names the file, what is wrong and what to do. */
export class StateFileError extends Error {
  constructor(
    readonly file: string,
    problem: string,
    remedy: string,
  ) {
    super(`${file} ${problem}; ${remedy}`);
  }
}

/**
 * Reads a JSON object from a state file of the data directory; null when the file does not exist. An empty,
 * truncated or non-object file is a StateFileError (never the parser's bare "Unexpected end of JSON input").
 */
export function readJsonObject(file: string, remedy: string): Record<string, unknown> | null {
  if (!existsSync(file)) return null;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error: unknown) {
    throw new StateFileError(file, `cannot be read (${(error as Error).message})`, remedy);
  }
  if (text.trim() === '') throw new StateFileError(file, 'is empty', remedy);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error: unknown) {
    throw new StateFileError(file, `is not valid JSON (${(error as Error).message})`, remedy);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new StateFileError(file, 'does not hold a JSON object', remedy);
  }
  return parsed as Record<string, unknown>;
}

/**
 * Writes a state file whole or not at all: into a temporary file first, renamed over the old one, so a crash or
 * a full disk in the middle never leaves it truncated. `exclusive` refuses to replace an existing file.
 */
export function writeFileAtomic(
  file: string,
  text: string,
  options: { mode?: number; exclusive?: boolean } = {},
): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: options.mode ?? 0o644 });
    if (options.mode !== undefined) chmodSync(tmp, options.mode);
    if (options.exclusive && existsSync(file)) throw new Error(`${file} exists already; not replacing it`);
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
}
