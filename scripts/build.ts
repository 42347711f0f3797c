// `npm run build`: everything the app runs, into out/ (see docs/packaging.md):
//   out/main/      the CLI (also the supervisor), the API, the agent, Electron's main and preload (esbuild)
//   out/renderer/  the GUI (Vite)
// `--if-stale` builds only the parts older than their sources (what bin/flow-desktop.js and the tests' global
// setup ask for); `--node` / `--gui` build one part.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { buildApp, type BuildPart } from './build/build-app.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: { 'if-stale': { type: 'boolean' }, node: { type: 'boolean' }, gui: { type: 'boolean' } },
});
const parts: BuildPart[] = [];
if (values.node) parts.push('node');
if (values.gui) parts.push('gui');
const begun = Date.now();
const built = await buildApp(ROOT, {
  parts: parts.length > 0 ? parts : ['node', 'gui'],
  force: !values['if-stale'],
  log: (line) => console.error(line),
});
if (!values['if-stale']) console.error(`build done in ${((Date.now() - begun) / 1000).toFixed(2)}s`);
else if (built.length === 0) console.error('build is fresh');
