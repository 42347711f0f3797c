import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { PROJECT_ROOT } from '../stack/project-paths.js';
import type { ProcessCommand } from '../supervisor/service-spec.js';
import { sourceLocations } from './source-locations.js';

/** Where service bundles go (two levels below the root, like main/<folder>/, for relative lookups). */
const OUT_DIR = path.join(PROJECT_ROOT, 'out', 'services');

const building = new Map<string, Promise<string>>();

/**
 * A child process running a TypeScript service entry with plain Node, from a bundle esbuild makes (and
 * remakes whenever one of its sources changed). Loading one bundled file starts several times faster than
 * compiling a module graph through tsx on every start, which dominates the stack's start-up.
 */
export async function bundledNodeCommand(
  entry: string,
  name: string,
  args: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
): Promise<ProcessCommand> {
  const outfile = path.join(OUT_DIR, `${name}.mjs`);
  let pending = building.get(outfile);
  if (!pending) {
    pending = ensureBundle(entry, outfile).finally(() => building.delete(outfile));
    building.set(outfile, pending);
  }
  return { file: process.execPath, args: ['--enable-source-maps', await pending, ...args], env };
}

async function ensureBundle(entry: string, outfile: string): Promise<string> {
  const inputsFile = `${outfile}.inputs.json`;
  if (isFresh(outfile, inputsFile)) return outfile;
  // esbuild is a dependency of tsx and vite; loaded only when a bundle must be (re)made.
  const { build } = await import('esbuild');
  mkdirSync(OUT_DIR, { recursive: true });
  // Built aside and renamed into place: another stack starting at the same moment never runs half a file.
  const scratch = `${outfile}.${process.pid}.tmp.mjs`;
  const result = await build({
    entryPoints: [entry],
    outfile: scratch,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    metafile: true,
    logLevel: 'warning',
    plugins: [sourceLocations(OUT_DIR)],
  });
  const inputs = Object.keys(result.metafile.inputs).map((input) => path.resolve(input));
  writeFileSync(`${inputsFile}.${process.pid}.tmp`, JSON.stringify(inputs));
  renameSync(scratch, outfile);
  renameSync(`${inputsFile}.${process.pid}.tmp`, inputsFile);
  return outfile;
}

/** A bundle is fresh when it exists and none of the sources it was made from changed since. */
function isFresh(outfile: string, inputsFile: string): boolean {
  if (!existsSync(outfile) || !existsSync(inputsFile)) return false;
  const built = statSync(outfile).mtimeMs;
  try {
    const inputs = JSON.parse(readFileSync(inputsFile, 'utf8')) as string[];
    return inputs.every((input) => existsSync(input) && statSync(input).mtimeMs <= built);
  } catch {
    return false;
  }
}
