import { existsSync } from 'node:fs';
import path from 'node:path';

import { PROJECT_ROOT } from '../stack/project-paths.js';
import type { ProcessCommand } from '../supervisor/service-spec.js';

/**
 * Where `npm run build` puts the Node bundles: two levels below the root, like main/<folder>/, so modules that
 * locate files relative to their source (see source-locations.ts) find them from the bundle too.
 */
export const BUNDLE_DIR = path.join(PROJECT_ROOT, 'out', 'main');

/** The Node entry points `npm run build` bundles, by output name (out/main/<name>.mjs). */
export const NODE_ENTRIES = {
  cli: 'main/cli/main.ts',
  'supabase-api': 'main/supabase-api/main.ts',
  agent: 'agent/src/main.ts',
  'edge-functions': 'main/services/functions/runtime/main.ts',
  'electron-main': 'main/electron/electron-main.ts',
} as const;

/** The name of a bundled entry point. */
export type BundleName = keyof typeof NODE_ENTRIES;

/** The built file of an entry point. */
export function bundlePath(name: BundleName): string {
  return path.join(BUNDLE_DIR, `${name}.mjs`);
}

/**
 * A child process running a service entry point with plain Node, from the bundle `npm run build` made of it.
 * Nothing is compiled here: a packaged app is read-only, and in a checkout the build is kept fresh by
 * bin/flow-desktop.js, `npm run watch` and the tests' global setup. `entry` is the source the service
 * means; it must be the one the build bundles under `name`.
 */
export function bundledNodeCommand(
  entry: string,
  name: BundleName,
  args: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
): Promise<ProcessCommand> {
  const expected = path.join(PROJECT_ROOT, NODE_ENTRIES[name]);
  if (path.resolve(entry) !== expected) {
    return Promise.reject(new Error(`bundle ${name} is built from ${NODE_ENTRIES[name]}, not from ${entry}`));
  }
  const file = bundlePath(name);
  if (!existsSync(file)) {
    return Promise.reject(
      new Error(`${path.relative(PROJECT_ROOT, file)} is missing: run \`npm run build\``),
    );
  }
  return Promise.resolve({ file: process.execPath, args: [file, ...args], env });
}
