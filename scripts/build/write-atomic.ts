import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { MANIFEST } from './freshness.js';

/** What a build made: the files it read (relative to the root) and wrote (relative to its folder). */
export interface BuildManifest {
  /** When the build began (ms since the epoch): an input changed after it makes the build stale. */
  readonly startedAt: number;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

/**
 * Writes a file by renaming a finished copy into place, so a process starting at that moment (a CLI call, a
 * test's stack) reads the old file or the new one, never half of one.
 */
export function writeFileAtomic(file: string, contents: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const scratch = `${file}.${process.pid}.tmp`;
  writeFileSync(scratch, contents);
  renameSync(scratch, file);
}

/** Writes a build's manifest last: until it is there, the build counts as stale. */
export function writeManifest(outDir: string, manifest: BuildManifest): void {
  writeFileAtomic(path.join(outDir, MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
}

/**
 * Removes files of `outDir` a build did not make (chunks of earlier builds), keeping those younger than
 * `keepYoungerThanMs`: a process started from an earlier build may still load its lazy chunks.
 */
export function pruneOutputs(outDir: string, manifest: BuildManifest, keepYoungerThanMs: number): string[] {
  const keep = new Set([...manifest.outputs, MANIFEST]);
  const removed: string[] = [];
  for (const entry of readdirSync(outDir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const relative = path.relative(outDir, full);
    if (keep.has(relative)) continue;
    if (Date.now() - statSync(full).mtimeMs < keepYoungerThanMs) continue;
    rmSync(full, { force: true });
    removed.push(relative);
  }
  return removed;
}
