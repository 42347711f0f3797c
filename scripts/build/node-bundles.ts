// The Node side of `npm run build`: the CLI (which is also the supervisor), the API, the agent and Electron's
// main process as ES modules in out/main/, split into shared chunks so each process loads only what it
// imports, and code behind a dynamic import() (CLI commands, db tools) only when it runs; the preload as one
// CommonJS file, because a sandboxed preload cannot be an ES module.
//
// npm packages stay external (resolved from node_modules at run time; electron-builder ships the
// `dependencies`). Modules that locate files relative to themselves get `import.meta.url` rewritten to their
// source location (main/process/source-locations.ts): out/main/ is two levels below the root like
// main/<folder>/, so PROJECT_ROOT, supabase/ and agent/templates/ resolve as from the sources.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { build, type BuildOptions, type Metafile, type OutputFile } from 'esbuild';

import { NODE_ENTRIES } from '../../main/process/service-bundle.js';
import { sourceLocations } from '../../main/process/source-locations.js';
import { type BuildManifest, writeFileAtomic, writeManifest } from './write-atomic.js';

/** The preload script's source and output. */
export const PRELOAD = { source: 'main/electron/preload.ts', output: 'preload.cjs' } as const;

/** The files whose change changes every bundle, besides the sources esbuild reports. */
const BUILD_INPUTS = ['scripts/build/node-bundles.ts', 'main/process/source-locations.ts', 'package.json'];

/** What a Node build made: its manifest, and esbuild's metafile of the ES modules (imports per output). */
export interface NodeBuild {
  readonly manifest: BuildManifest;
  readonly metafile: Metafile;
}

/** Builds every Node bundle of `root` into `outDir`. */
export async function buildNodeBundles(root: string, outDir: string): Promise<NodeBuild> {
  const startedAt = Date.now();
  const common: BuildOptions = {
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    // Stack traces need line mappings, not a second copy of every source.
    sourcesContent: false,
    metafile: true,
    write: false,
    logLevel: 'warning',
    plugins: [sourceLocations(outDir)],
  };
  const [app, preload] = await Promise.all([
    build({
      ...common,
      entryPoints: Object.fromEntries(Object.entries(NODE_ENTRIES).map(([name, file]) => [name, file])),
      outdir: outDir,
      format: 'esm',
      splitting: true,
      outExtension: { '.js': '.mjs' },
      // Chunks stay beside the entries: source-locations.ts computes paths relative to outDir.
      chunkNames: 'chunk-[hash]',
    }),
    build({
      ...common,
      entryPoints: [PRELOAD.source],
      outfile: path.join(outDir, PRELOAD.output),
      format: 'cjs',
    }),
  ]);
  const files = [...(app.outputFiles ?? []), ...(preload.outputFiles ?? [])];
  // Chunks first, entry points after: an entry written before its chunks could import a missing file.
  const ordered = [...files].sort((a, b) => rank(a, outDir) - rank(b, outDir));
  for (const file of ordered) writeFileAtomic(file.path, file.contents);
  writeFileAtomic(path.join(outDir, 'package.json'), appManifest(root));
  const manifest: BuildManifest = {
    startedAt,
    inputs: [
      ...new Set([...sourceInputs(app.metafile), ...sourceInputs(preload.metafile), ...BUILD_INPUTS]),
    ].sort(),
    outputs: [...files.map((f) => path.relative(outDir, f.path)), 'package.json'].sort(),
  };
  writeManifest(outDir, manifest);
  return { manifest, metafile: app.metafile ?? { inputs: {}, outputs: {} } };
}

function rank(file: OutputFile, outDir: string): number {
  const name = path.relative(outDir, file.path);
  if (name.startsWith('chunk-')) return 0;
  return name.endsWith('.map') ? 1 : 2;
}

/** This project's files among esbuild's inputs (node_modules change only through package.json). */
function sourceInputs(metafile: Metafile | undefined): string[] {
  return Object.keys(metafile?.inputs ?? {}).filter((input) => !input.includes('node_modules/'));
}

/**
 * Makes out/main an app folder Electron can run in development (`electron out/main`); packaged builds use
 * the root package.json with electron-builder's extraMetadata.main instead.
 */
function appManifest(root: string): string {
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  const manifest = {
    name: 'flow-desktop',
    productName: 'Flow Desktop',
    version,
    type: 'module',
    main: 'electron-main.mjs',
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
