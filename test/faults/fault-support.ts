import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, statfsSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { PROJECT_ROOT } from '../../main/stack/project-paths.js';

/** Where the fault suite writes the recovery times it measured (one JSON object per line). */
export const TIMINGS_FILE = path.join(PROJECT_ROOT, 'test-artifacts', 'fault-timings.jsonl');

/** Records one measured recovery time, for docs/faults.md. */
export function recordTiming(fault: string, ms: number, detail = ''): void {
  mkdirSync(path.dirname(TIMINGS_FILE), { recursive: true });
  appendFileSync(
    TIMINGS_FILE,
    `${JSON.stringify({ fault, ms: Math.round(ms), detail, at: new Date().toISOString() })}\n`,
  );
  console.log(`[fault timing] ${fault}: ${Math.round(ms)} ms ${detail}`);
}

/**
 * Mounts a small tmpfs on `dir` (root only). Returns null when it worked, or why it did not, so the test can
 * skip with that reason.
 */
export function mountTmpfs(dir: string, size: string): string | null {
  mkdirSync(dir, { recursive: true });
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (error: unknown) {
    return `mount -t tmpfs was refused: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
  }
}

/** Unmounts what mountTmpfs (or a bind mount) put on `dir`; lazily, so a straggler cannot keep it busy. */
export function unmount(dir: string): void {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  } catch {
    // Not mounted (the mount was refused, or already gone).
  }
}

/** Fills the file system holding `dir` until it refuses more bytes; returns the filler file. */
export function fillDisk(dir: string): string {
  const filler = path.join(dir, 'filler.bin');
  const free = statfsSync(dir).bavail * statfsSync(dir).bsize;
  try {
    writeFileSync(filler, Buffer.alloc(free));
  } catch {
    // Already full to the byte.
  }
  for (let i = 0; i < 64; i++) {
    try {
      appendFileSync(filler, Buffer.alloc(4096));
    } catch {
      break;
    }
  }
  return filler;
}

/** Polls `check` until it returns a value (not undefined/false), or throws after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  stepMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error: unknown) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(
    `timed out waiting for ${what}${last ? ` (last error: ${last instanceof Error ? last.message : JSON.stringify(last)})` : ''}`,
  );
}
