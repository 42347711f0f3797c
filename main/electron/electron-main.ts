// The Electron composition root: wires the stack session, the window and the tray. Everything with logic
// lives in plain modules next to it (tested without Electron); this file only calls Electron.
import path from 'node:path';

import { app, clipboard, dialog, shell, type BrowserWindow } from 'electron';

import type { StackStatus } from '../../shared/stack-status.js';
import { desktopStackConfig } from '../app/desktop-config.js';
import { locateResources } from '../app/resource-paths.js';
import { PROJECT_ROOT } from '../stack/project-paths.js';
import { guiConfig, type DesktopGuiConfig } from './gui-config.js';
import { createMainWindow, serveGuiConfig } from './main-window.js';
import { openStackSession, type StackSession } from './stack-session.js';
import { followStatus } from './status-feed.js';
import { createTray } from './tray.js';
import type { TrayAction } from './tray-model.js';

const PRELOAD = path.join(PROJECT_ROOT, 'out', 'main', 'preload.cjs');
const log = (line: string): void => console.log(`[flow-desktop] ${line}`);

/** What exists once the stack session is open (null before). */
interface Running {
  readonly session: StackSession;
  readonly openWindow: () => void;
  status: StackStatus | null;
}

let running: Running | null = null;
let quitting = false;

if (!app.requestSingleInstanceLock()) app.quit();
else void main().catch(fail);

async function main(): Promise<void> {
  await app.whenReady();
  const resources = locateResources(PROJECT_ROOT);
  const config = desktopStackConfig(resources);
  const tray = createTray(resources.trayIcon, onTrayAction);
  const opening = openStackSession(config, log);
  // Closing the window leaves the app in the tray; only Quit (tray, app menu, Cmd-Q) ends it.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    void opening
      .then(async (session) => log((await session.quit()).reason))
      .catch((error: unknown) => log(`while quitting: ${String(error)}`))
      .finally(() => {
        tray.destroy();
        app.exit(0);
      });
  });

  const session = await opening;
  if (!session.uiUrl) {
    throw new Error(
      'a supervisor without the GUI runs for this data directory (`flow-desktop up`); stop it with `flow-desktop down` or use `flow-desktop serve`',
    );
  }
  const appUrl = `${new URL(session.uiUrl).origin}/`;
  const endpoint = session.client.endpoint;
  let current: DesktopGuiConfig = guiConfig(endpoint, await session.client.call('GET /v1/status', {}));
  serveGuiConfig({ appUrl, preloadPath: PRELOAD, config: () => current });
  let window: BrowserWindow | null = null;
  const openWindow = (): void => {
    if (window && !window.isDestroyed()) return void window.show();
    window = createMainWindow({
      appUrl,
      preloadPath: PRELOAD,
      iconPath: resources.trayIcon,
      config: () => current,
    });
  };
  const state: Running = { session, openWindow, status: null };
  running = state;
  followStatus(session.client, (next) => {
    state.status = next;
    current = guiConfig(endpoint, next);
    tray.update(next);
  });
  app.on('second-instance', openWindow);
  app.on('activate', openWindow);
  openWindow();

  function onTrayAction(action: TrayAction): void {
    switch (action) {
      case 'open-window':
        return running?.openWindow();
      case 'restart-stack':
        // The supervisor names who asked in its events, and in the sentence of a request it refuses meanwhile.
        return void running?.session.client
          .call('POST /v1/stack/restart', { requestedBy: 'tray' })
          .catch((error: unknown) =>
            report(`The stack was not restarted: ${error instanceof Error ? error.message : String(error)}`),
          );
      case 'copy-db-url':
        if (running?.status) clipboard.writeText(running.status.connection.DB_URL);
        return;
      case 'show-logs':
        return void shell.openPath(config.layout.logs);
      case 'quit':
        return app.quit();
    }
  }
}

/** Shows an error the user should see and carries on. */
function report(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  log(`error: ${message}`);
  if (app.isReady()) dialog.showErrorBox('Flow Desktop', message);
}

/** A start-up failure: say why, then quit (which stops whatever was started). */
function fail(error: unknown): void {
  report(error);
  if (!quitting) app.quit();
}
