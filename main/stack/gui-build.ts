import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { PROJECT_ROOT } from './project-paths.js';

/** Where the built GUI lives (served headless, loaded by Electron). */
export const GUI_ROOT = path.join(PROJECT_ROOT, 'out', 'renderer');

/** The sources the GUI is built from; absent in a packaged app, which ships only the build. */
const GUI_SOURCES = [path.join(PROJECT_ROOT, 'renderer'), path.join(PROJECT_ROOT, 'shared')];

const LOCK = path.join(PROJECT_ROOT, 'out', '.renderer-build.lock');
/** A lock older than this is from a build that died. */
const STALE_LOCK_MS = 180_000;

/**
 * Builds the GUI with Vite when there is no build yet (a fresh clone) or a source is newer than the build
 * (development); returns its folder. Concurrent callers (tests in parallel) build once: the others wait for
 * the lock, and the new build replaces the old one by a rename, so a running server never sees half a build.
 */
export async function ensureGuiBuilt(log: (text: string) => void): Promise<string> {
  for (;;) {
    if (isFresh()) return GUI_ROOT;
    if (!takeLock()) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      if (isFresh()) return GUI_ROOT;
      await build(log);
      return GUI_ROOT;
    } finally {
      rmSync(LOCK, { force: true });
    }
  }
}

async function build(log: (text: string) => void): Promise<void> {
  const begun = Date.now();
  log(existsSync(GUI_ROOT) ? 'rebuilding the GUI (sources changed)…' : 'building the GUI (first run)…');
  const staging = `${GUI_ROOT}.staging-${process.pid}`;
  const previous = `${GUI_ROOT}.previous-${process.pid}`;
  const { build: viteBuild } = await import('vite');
  // Vite keeps a NODE_ENV it finds (vitest sets `test`), which would bundle React's development build, whose
  // StrictMode runs effects twice: always build what users get.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await viteBuild({
      configFile: path.join(PROJECT_ROOT, 'renderer', 'vite.config.ts'),
      logLevel: 'warn',
      mode: 'production',
      build: { outDir: staging, emptyOutDir: true },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  if (existsSync(GUI_ROOT)) renameSync(GUI_ROOT, previous);
  renameSync(staging, GUI_ROOT);
  rmSync(previous, { recursive: true, force: true });
  log(`GUI built in ${((Date.now() - begun) / 1000).toFixed(2)}s`);
}

/** True when a build exists and no GUI source is newer than it (always true without sources). */
function isFresh(): boolean {
  const index = path.join(GUI_ROOT, 'index.html');
  if (!existsSync(index)) return false;
  const sources = GUI_SOURCES.filter((dir) => existsSync(dir));
  if (sources.length === 0) return true;
  const built = statSync(index).mtimeMs;
  return sources.every((dir) => newestMtime(dir) <= built);
}

function newestMtime(dir: string): number {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function takeLock(): boolean {
  mkdirSync(path.dirname(LOCK), { recursive: true });
  try {
    writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    try {
      if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { force: true });
    } catch {
      // The holder released it meanwhile.
    }
    return false;
  }
}
