import type { ControlEndpoint } from '../../shared/control-api.js';
import type { StackStatus } from '../../shared/stack-status.js';

/**
 * What the preload hands the renderer as `window.flowDesktop.config` (renderer/src/api/session.ts reads
 * it): the control API and its token, and the Supabase API URL and anon key. Nothing else crosses.
 */
export interface DesktopGuiConfig {
  readonly controlUrl: string;
  readonly token: string;
  readonly supabaseUrl: string;
  readonly anonKey: string;
}

/** The synchronous IPC channel the preload asks for the config on (the only channel there is). */
export const GUI_CONFIG_CHANNEL = 'gui:config';

/** The GUI config for a supervisor's endpoint and status. */
export function guiConfig(
  endpoint: Pick<ControlEndpoint, 'url' | 'token'>,
  status: StackStatus,
): DesktopGuiConfig {
  return {
    controlUrl: endpoint.url,
    token: endpoint.token,
    supabaseUrl: status.connection.API_URL,
    anonKey: status.connection.ANON_KEY,
  };
}

/** Checks a value received over IPC before it is exposed to the page. */
export function isDesktopGuiConfig(value: unknown): value is DesktopGuiConfig {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    Object.keys(v).length === 4 &&
    typeof v.controlUrl === 'string' &&
    typeof v.token === 'string' &&
    typeof v.supabaseUrl === 'string' &&
    typeof v.anonKey === 'string'
  );
}
