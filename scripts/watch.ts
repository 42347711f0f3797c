// `npm run watch`: rebuilds out/ whenever a source changes, for a developer running the CLI, `npm start` or a
// stack while editing. Only the stale parts are rebuilt (the same check `npm run build -- --if-stale` makes);
// a running stack keeps its processes: restart the service (or the stack) to load the new build.
import { watch } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildApp } from './build/build-app.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WATCHED = ['main', 'agent', 'shared', 'renderer', 'scripts/build'];
/** Editors write a file in several steps; build once they are done. */
const SETTLE_MS = 150;

let timer: NodeJS.Timeout | undefined;
let running: Promise<void> = Promise.resolve();

const log = (line: string): void => console.log(`[${new Date().toLocaleTimeString()}] ${line}`);

function rebuild(): void {
  running = running
    .then(async () => {
      const built = await buildApp(ROOT, { log });
      if (built.length > 0) log('watching for changes…');
    })
    .catch((error: unknown) =>
      log(`build failed: ${error instanceof Error ? error.message : String(error)}`),
    );
}

function changed(file: string | null): void {
  if (file?.includes('node_modules') || file?.endsWith('~')) return;
  clearTimeout(timer);
  timer = setTimeout(rebuild, SETTLE_MS);
}

for (const dir of WATCHED) watch(path.join(ROOT, dir), { recursive: true }, (_event, file) => changed(file));
rebuild();
log('watching main/, agent/, shared/, renderer/ (Ctrl-C stops)');
