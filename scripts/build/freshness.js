// Whether a build is older than the sources it was made from. Plain JavaScript, because bin/flow-desktop.js
// asks it on every CLI start in a checkout, before anything could compile TypeScript.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The file a build writes last, naming its inputs (relative to the root) and when it began. */
export const MANIFEST = 'build-manifest.json';

/**
 * Why the build in `outDir` is stale, or null when it is fresh: every input still exists and none changed
 * after the build began, and every output is there.
 * @param {string} root
 * @param {string} outDir
 * @returns {string | null}
 */
export function staleReason(root, outDir) {
  const file = path.join(outDir, MANIFEST);
  if (!existsSync(file)) return 'not built yet';
  /** @type {{ startedAt: number, inputs: string[], outputs: string[] }} */
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return 'unreadable build manifest';
  }
  for (const output of manifest.outputs) {
    if (!existsSync(path.join(outDir, output))) return `${output} is missing`;
  }
  for (const input of manifest.inputs) {
    const full = path.join(root, input);
    if (!existsSync(full)) return `${input} is gone`;
    if (statSync(full).mtimeMs > manifest.startedAt) return `${input} changed`;
  }
  return null;
}

/**
 * Every file under `dirs` (relative to `root`), skipping node_modules and dot-folders: the inputs of a build
 * whose tool does not list them (Vite).
 * @param {string} root
 * @param {readonly string[]} dirs
 * @returns {string[]}
 */
export function filesUnder(root, dirs) {
  /** @type {string[]} */
  const files = [];
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(relative);
      else files.push(relative);
    }
  };
  for (const dir of dirs) if (existsSync(path.join(root, dir))) walk(dir);
  return files;
}
