import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';

import type { StackStatus } from '../../shared/stack-status.js';
import { trayModel, type TrayAction, type TrayMenuItem } from './tray-model.js';

/** The tray icon: shows the stack's state and runs the quick actions it is given. */
export interface StackTray {
  update(status: StackStatus | null): void;
  destroy(): void;
}

/** Creates the tray icon; `onAction` runs the menu's quick actions. */
export function createTray(iconPath: string, onAction: (action: TrayAction) => void): StackTray {
  const icon = nativeImage.createFromPath(iconPath).resize({ width: 16, height: 16 });
  const tray = new Tray(icon);
  const toTemplate = (item: TrayMenuItem): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'info':
        return { label: item.label, enabled: false };
      case 'action':
        return { label: item.label, enabled: item.enabled, click: () => onAction(item.action) };
    }
  };
  const update = (status: StackStatus | null): void => {
    const model = trayModel(status);
    tray.setToolTip(model.tooltip);
    tray.setContextMenu(Menu.buildFromTemplate(model.items.map(toTemplate)));
  };
  update(null);
  return { update, destroy: () => tray.destroy() };
}
