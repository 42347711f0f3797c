import { existsSync } from 'node:fs';
import path from 'node:path';

import { PROJECT_ROOT } from './project-paths.js';

/** Where the built GUI lives (served headless, loaded by Electron); `npm run build` makes it. */
export const GUI_ROOT = path.join(PROJECT_ROOT, 'out', 'renderer');

/**
 * The built GUI's folder, once it is there. Nothing is built at run time (a packaged app is read-only); in a
 * checkout bin/flow-desktop.js rebuilds a stale GUI before `serve`, and the tests' global setup before tests.
 */
export function ensureGuiBuilt(_log?: (text: string) => void): Promise<string> {
  if (existsSync(path.join(GUI_ROOT, 'index.html'))) return Promise.resolve(GUI_ROOT);
  return Promise.reject(new Error(`the GUI is not built (${GUI_ROOT} is empty): run \`npm run build\``));
}
