import { existsSync } from 'node:fs';
import path from 'node:path';

import { PROJECT_ROOT } from './project-paths.js';

/** Where the built GUI lives (served headless, loaded by Electron). */
export const GUI_ROOT = path.join(PROJECT_ROOT, 'out', 'renderer');

/** Builds the GUI with Vite if there is no build yet (a fresh clone); returns its folder. */
export async function ensureGuiBuilt(log: (text: string) => void): Promise<string> {
  if (existsSync(path.join(GUI_ROOT, 'index.html'))) return GUI_ROOT;
  const begun = Date.now();
  log('building the GUI (first run)…');
  const { build } = await import('vite');
  await build({ configFile: path.join(PROJECT_ROOT, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  log(`GUI built in ${((Date.now() - begun) / 1000).toFixed(2)}s`);
  return GUI_ROOT;
}
