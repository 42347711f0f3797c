// Bundles the Electron main process and preload into out/main/ with esbuild (`npm run build:main`).
//
// - electron-main.mjs: ESM, Node platform; npm packages stay external (resolved from node_modules at run
//   time, like the CLI does), only this project's TypeScript is bundled.
// - preload.cjs: CommonJS, because a sandboxed preload cannot be an ES module.
//
// Modules that locate files relative to themselves (`import.meta.url`, `import.meta.dirname`) get those
// rewritten to their source location, so the bundle finds supabase/, the service entry points and
// node_modules exactly where the sources would: out/main/ is two levels below the project root, like
// main/<folder>/.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { build, type BuildOptions } from 'esbuild';

import { sourceLocations } from '../main/process/source-locations.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Builds both bundles into `outDir` (default out/main). */
export async function buildMain(outDir = path.join(ROOT, 'out', 'main')): Promise<void> {
  const common: BuildOptions = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [sourceLocations(outDir)],
  };
  await build({
    ...common,
    entryPoints: [path.join(ROOT, 'main', 'electron', 'electron-main.ts')],
    format: 'esm',
    outfile: path.join(outDir, 'electron-main.mjs'),
  });
  await build({
    ...common,
    entryPoints: [path.join(ROOT, 'main', 'electron', 'preload.ts')],
    format: 'cjs',
    outfile: path.join(outDir, 'preload.cjs'),
  });
  // Makes out/main an app folder Electron can run in development (`electron out/main`); packaged builds
  // use the root package.json with electron-builder's extraMetadata.main instead.
  const { version } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  const appManifest = {
    name: 'flow-desktop',
    productName: 'Flow Desktop',
    version,
    type: 'module',
    main: 'electron-main.mjs',
  };
  await writeFile(path.join(outDir, 'package.json'), `${JSON.stringify(appManifest, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const begun = Date.now();
  await buildMain(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  console.log(`built out/main in ${Date.now() - begun} ms`);
}
