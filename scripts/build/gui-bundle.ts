// The GUI side of `npm run build`: Vite builds renderer/ into out/renderer/ (served by `flow-desktop serve`,
// loaded by the Electron window). Built aside and swapped in by renames, so a server that is running never
// serves half a build.
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

import { filesUnder } from './freshness.js';
import { type BuildManifest, writeManifest } from './write-atomic.js';

/** What the GUI is built from: Vite does not list its inputs, so every file under these counts. */
export const GUI_SOURCE_DIRS = ['renderer', 'shared'] as const;

const BUILD_INPUTS = ['scripts/build/gui-bundle.ts', 'package.json'];

/** Builds the GUI of `root` into `outDir`; returns the manifest it wrote. */
export async function buildGui(root: string, outDir: string): Promise<BuildManifest> {
  const startedAt = Date.now();
  const inputs = [...filesUnder(root, GUI_SOURCE_DIRS), ...BUILD_INPUTS].sort();
  const staging = `${outDir}.staging-${process.pid}`;
  const previous = `${outDir}.previous-${process.pid}`;
  const { build } = await import('vite');
  // Vite keeps a NODE_ENV it finds (vitest sets `test`), which would bundle React's development build, whose
  // StrictMode runs effects twice: always build what users get.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: path.join(root, 'renderer', 'vite.config.ts'),
      logLevel: 'warn',
      mode: 'production',
      build: { outDir: staging, emptyOutDir: true },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  const manifest: BuildManifest = { startedAt, inputs, outputs: listFiles(staging) };
  writeManifest(staging, manifest);
  if (existsSync(outDir)) renameSync(outDir, previous);
  renameSync(staging, outDir);
  rmSync(previous, { recursive: true, force: true });
  return manifest;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}
