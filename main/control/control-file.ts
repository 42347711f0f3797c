import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { ControlEndpoint } from '../../shared/control-api.js';

/** Writes the endpoint file (owner-only: it holds the token). */
export function writeControlFile(file: string, endpoint: ControlEndpoint): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(endpoint, null, 2), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** Reads the endpoint file, or null when there is none (or it is unreadable). */
export function readControlFile(file: string): ControlEndpoint | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ControlEndpoint;
  } catch {
    return null;
  }
}

/** Removes the endpoint file if it still belongs to `pid`. */
export function removeControlFile(file: string, pid: number): void {
  const current = readControlFile(file);
  if (current && current.pid !== pid) return;
  rmSync(file, { force: true });
}
