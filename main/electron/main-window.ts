import { BrowserWindow, ipcMain, shell, type IpcMainEvent } from 'electron';

import { GUI_CONFIG_CHANNEL, type DesktopGuiConfig } from './gui-config.js';
import { classifyNavigation, isAppUrl } from './navigation-policy.js';
import { mainWindowOptions } from './window-options.js';

/** Where the window's page comes from and what its preload may hand over. */
export interface MainWindowSetup {
  /** The served GUI, e.g. `http://127.0.0.1:5433`; the window never leaves this origin. */
  readonly appUrl: string;
  readonly preloadPath: string;
  readonly iconPath?: string;
  readonly config: () => DesktopGuiConfig;
}

/**
 * Registers the one IPC channel: the preload's synchronous request for the GUI config, answered only for
 * frames showing the app's own origin. Returns a function that removes it.
 */
export function serveGuiConfig(setup: MainWindowSetup): () => void {
  const origin = new URL(setup.appUrl).origin;
  const listener = (event: IpcMainEvent): void => {
    event.returnValue = isAppUrl(event.senderFrame?.url, origin) ? setup.config() : null;
  };
  ipcMain.on(GUI_CONFIG_CHANNEL, listener);
  return () => ipcMain.off(GUI_CONFIG_CHANNEL, listener);
}

/** Opens the main window on the served GUI, with external links sent to the system browser. */
export function createMainWindow(setup: MainWindowSetup): BrowserWindow {
  const origin = new URL(setup.appUrl).origin;
  const win = new BrowserWindow(mainWindowOptions(setup.preloadPath, setup.iconPath));
  const contents = win.webContents;
  contents.setWindowOpenHandler(({ url }) => {
    if (classifyNavigation(url, origin) !== 'deny') void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    const verdict = classifyNavigation(url, origin);
    if (verdict === 'allow') return;
    event.preventDefault();
    if (verdict === 'external') void shell.openExternal(url);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(setup.appUrl);
  return win;
}
