// The preload runs sandboxed (no Node), so it is bundled to CommonJS and may use only what Electron gives a
// sandboxed preload. It exposes one frozen object: the GUI config, nothing that can call back into main.
import { contextBridge, ipcRenderer } from 'electron';

import { GUI_CONFIG_CHANNEL, isDesktopGuiConfig } from './gui-config.js';

const config: unknown = ipcRenderer.sendSync(GUI_CONFIG_CHANNEL);
if (isDesktopGuiConfig(config)) {
  contextBridge.exposeInMainWorld('flowDesktop', Object.freeze({ config: Object.freeze({ ...config }) }));
}
