// Builds what is stale (or everything), once for callers that ask at the same moment: parallel test runs, a
// CLI call during `npm run watch`.
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { staleReason } from './freshness.js';
import { buildGui } from './gui-bundle.js';
import { buildNodeBundles } from './node-bundles.js';
import { pruneOutputs } from './write-atomic.js';

/** The parts of the build. */
export type BuildPart = 'node' | 'gui';

/** Where each part goes, relative to the root. */
export const PART_DIRS: Readonly<Record<BuildPart, string>> = { node: 'out/main', gui: 'out/renderer' };

/** What to build. */
export interface BuildRequest {
  readonly parts?: readonly BuildPart[];
  /** Rebuild even when fresh, and remove every file an earlier build left (`npm run build`). */
  readonly force?: boolean;
  readonly log?: (line: string) => void;
}

/** A lock older than this is from a build that died. */
const STALE_LOCK_MS = 180_000;
/** Incremental builds keep earlier chunks this long: a running stack may still load them lazily. */
const KEEP_OLD_CHUNKS_MS = 24 * 3600_000;

/** Builds the stale parts of `root` (all requested parts with `force`); returns the parts it built. */
export async function buildApp(root: string, request: BuildRequest = {}): Promise<BuildPart[]> {
  const parts = request.parts ?? ['node', 'gui'];
  const log = request.log ?? (() => undefined);
  const stale = (): BuildPart[] =>
    parts.filter((part) => request.force || staleReason(root, path.join(root, PART_DIRS[part])) !== null);
  if (stale().length === 0) return [];
  const lock = path.join(root, 'out', '.build.lock');
  while (!takeLock(lock)) await new Promise((resolve) => setTimeout(resolve, 200));
  try {
    const todo = stale();
    for (const part of todo) {
      const begun = Date.now();
      const outDir = path.join(root, PART_DIRS[part]);
      const why = request.force ? 'requested' : staleReason(root, outDir);
      log(`building ${PART_DIRS[part]} (${why})…`);
      if (part === 'node') {
        const { manifest } = await buildNodeBundles(root, outDir);
        pruneOutputs(outDir, manifest, request.force ? 0 : KEEP_OLD_CHUNKS_MS);
      } else await buildGui(root, outDir);
      log(`built ${PART_DIRS[part]} in ${((Date.now() - begun) / 1000).toFixed(2)}s`);
    }
    return todo;
  } finally {
    rmSync(lock, { force: true });
  }
}

function takeLock(lock: string): boolean {
  mkdirSync(path.dirname(lock), { recursive: true });
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { force: true });
    } catch {
      // Released meanwhile.
    }
    return false;
  }
}
