import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

import type { Message } from 'esbuild';

import { functionModule, realFile } from '../../../process/service-bundle.js';
import { PROJECT_ROOT } from '../../../stack/project-paths.js';
import { denoSpecifiers } from './deno-specifiers.js';

/** Runs inside every function's worker, ahead of the function's code (built by `npm run build`). */
const WORKER_RUNTIME = functionModule('functions/worker-runtime');

/** Flow Desktop's own packages: what `npm:` imports of functions resolve to (unpacked in a packaged app). */
const NODE_MODULES = realFile(path.join(PROJECT_ROOT, 'node_modules'));

/** A function compiled into one ES module that a worker thread runs. */
export interface FunctionBuild {
  readonly entrypoint: string;
  readonly outfile: string;
  /** Every source file (outside node_modules) with its size and mtime when it was read. */
  readonly inputs: ReadonlyMap<string, string>;
}

/** A build, or the compiler's messages saying why there is none. */
export type BuildResult =
  | {
      readonly ok: true;
      readonly entrypoint: string;
      readonly build: FunctionBuild;
      readonly inputs: ReadonlyMap<string, string>;
    }
  | {
      readonly ok: false;
      readonly entrypoint: string;
      readonly errors: string;
      readonly inputs: ReadonlyMap<string, string>;
    };

let counter = 0;

/** A file's size and mtime, or "-" when it does not exist: equal stamps mean the file did not change. */
export function stamp(file: string): string {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return '-';
  }
}

/** True when none of the files a build (or failed build) read changed since. */
export function unchanged(inputs: ReadonlyMap<string, string>): boolean {
  for (const [file, was] of inputs) if (stamp(file) !== was) return false;
  return true;
}

/**
 * Compiles a function's TypeScript (and what it imports) with esbuild into `<outDir>/<name>/<n>.mjs`, behind
 * the worker runtime. Output goes to the data directory, never next to the sources: the app may run from a
 * read-only install. `extraInputs` (the functions' .env) count as inputs: when they change, the build is stale.
 * Paths in compiler messages are relative to `sourceRoot` (the supabase/ folder).
 */
export async function buildFunction(
  name: string,
  entrypoint: string,
  outDir: string,
  sourceRoot: string,
  extraInputs: readonly string[] = [],
): Promise<BuildResult> {
  const dir = path.join(outDir, name);
  mkdirSync(dir, { recursive: true });
  const outfile = path.join(dir, `${Date.now()}-${++counter}.mjs`);
  const entry = [
    `import { functionLoaded } from ${JSON.stringify(WORKER_RUNTIME)};`,
    `import * as fn from ${JSON.stringify(entrypoint)};`,
    `functionLoaded(fn.default);`,
  ].join('\n');
  const inputs = new Map<string, string>();
  for (const file of [entrypoint, ...extraInputs]) inputs.set(file, stamp(file));
  try {
    // esbuild's JS API is loaded on the first function build, not when the runtime starts.
    const { build } = await import('esbuild');
    const result = await build({
      stdin: {
        contents: entry,
        resolveDir: path.dirname(entrypoint),
        sourcefile: `${name}/<entry>`,
        loader: 'js',
      },
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      // Packages that call require() (CommonJS) get one in the ES module output.
      banner: {
        js: `import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);`,
      },
      sourcemap: 'inline',
      sourcesContent: false,
      metafile: true,
      nodePaths: [NODE_MODULES],
      // Paths in messages and the metafile are relative to the supabase/ folder.
      absWorkingDir: sourceRoot,
      logLevel: 'silent',
      plugins: [denoSpecifiers()],
    });
    for (const input of Object.keys(result.metafile.inputs)) {
      const file = path.resolve(sourceRoot, input);
      if (!file.includes(`${path.sep}node_modules${path.sep}`) && existsSync(file))
        inputs.set(file, stamp(file));
    }
    return { ok: true, entrypoint, build: { entrypoint, outfile, inputs }, inputs };
  } catch (error: unknown) {
    rmSync(outfile, { force: true });
    const messages = (error as { errors?: Message[] }).errors;
    // The files the errors point at: editing one of them is worth another try.
    for (const m of messages ?? []) {
      if (m.location) inputs.set(path.resolve(sourceRoot, m.location.file), '');
    }
    for (const file of inputs.keys()) inputs.set(file, stamp(file));
    const text = messages?.length
      ? messages
          .map((m) =>
            m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text,
          )
          .join('\n')
      : error instanceof Error
        ? error.message
        : String(error);
    return { ok: false, entrypoint, errors: text, inputs };
  }
}
