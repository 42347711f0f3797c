import { SESSION_PATH } from '../../../shared/control-api.js';

/** What the GUI needs to reach the control API; Electron's preload hands it over, headless mode logs in. */
export interface GuiConfig {
  readonly controlUrl: string;
  readonly token: string;
  /** The Supabase API and its anon key; set by Electron's preload (main/electron/gui-config.ts). */
  readonly supabaseUrl?: string;
  readonly anonKey?: string;
}

declare global {
  interface Window {
    /** Set by the Electron preload through contextBridge; absent in a plain browser. */
    readonly flowDesktop?: { readonly config: GuiConfig };
  }
}

const STORAGE_KEY = 'flow-desktop-token';

/**
 * Finds the session: from Electron's preload, or by trading the one-time code of a UI link (`#code=...`) for
 * the token, which is then kept for this tab only (sessionStorage) and removed from the address bar.
 */
export function establishSession(): Promise<GuiConfig> {
  // A code works once: React's StrictMode (development) runs the effect that calls this twice.
  established ??= findSession();
  return established;
}

let established: Promise<GuiConfig> | null = null;

async function findSession(): Promise<GuiConfig> {
  if (window.flowDesktop) return window.flowDesktop.config;
  const controlUrl = window.location.origin;
  const code = new URLSearchParams(window.location.hash.slice(1)).get('code');
  if (code) {
    const response = await fetch(`${controlUrl}${SESSION_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    const body = (await response.json()) as { token?: string; error?: { message: string } };
    history.replaceState(null, '', window.location.pathname);
    if (!response.ok || !body.token) throw new Error(body.error?.message ?? 'could not sign in');
    sessionStorage.setItem(STORAGE_KEY, body.token);
    return { controlUrl, token: body.token };
  }
  const saved = sessionStorage.getItem(STORAGE_KEY);
  if (saved) return { controlUrl, token: saved };
  throw new Error(
    'Open the link that `flow-desktop serve` or `flow-desktop status` printed: it signs this tab in.',
  );
}
