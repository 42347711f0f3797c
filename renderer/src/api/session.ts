import {
  SESSION_HEADER,
  SESSION_HEADER_VALUE,
  SESSION_PATH,
  type SessionInfo,
} from '../../../shared/control-api.js';

/** What the GUI needs to reach the control API; Electron's preload hands it over, headless mode signs in. */
export interface GuiConfig {
  readonly controlUrl: string;
  /** Electron's bearer token; absent in a browser, which uses the session cookie instead. */
  readonly token?: string;
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

/** This browser has no session with the GUI (yet): the sign-in screen says why and how to get one. */
export class SignInRequired extends Error {}

/**
 * Finds the session: from Electron's preload; by trading the one-time code of a UI link (`#code=...`) for the
 * session cookie, which every tab of this origin then shares; or from that cookie, set earlier in another tab.
 * The code leaves the address bar before anything else happens. Rejects with `SignInRequired` when the browser
 * has no session.
 */
export function establishSession(): Promise<GuiConfig> {
  // A code works once: React's StrictMode (development) runs the effect that calls this twice.
  established ??= findSession().finally(() => (established = null));
  return established;
}

let established: Promise<GuiConfig> | null = null;

/** Headers every cookie-authenticated call sends (the server refuses the cookie without them). */
export const SESSION_HEADERS: Readonly<Record<string, string>> = { [SESSION_HEADER]: SESSION_HEADER_VALUE };

async function findSession(): Promise<GuiConfig> {
  if (window.flowDesktop) return window.flowDesktop.config;
  const controlUrl = window.location.origin;
  const code = takeCodeFromAddressBar();
  if (code !== null) {
    await redeemCode(code);
    return { controlUrl };
  }
  const response = await fetch(`${controlUrl}${SESSION_PATH}`, { headers: SESSION_HEADERS });
  const body = (await response.json()) as Partial<SessionInfo>;
  if (response.ok && body.signedIn === true) return { controlUrl };
  throw new SignInRequired(
    `This browser is not signed in to the Flow Desktop GUI at ${window.location.host}.`,
  );
}

/** Removes `#code=…` from the address bar (and history) and returns the code, or null when there is none. */
function takeCodeFromAddressBar(): string | null {
  const code = new URLSearchParams(window.location.hash.slice(1)).get('code');
  if (code === null) return null;
  history.replaceState(null, '', window.location.pathname + window.location.search);
  return code;
}

/**
 * The code in what the user pasted: a whole UI link (`http://127.0.0.1:5433/#code=…`) or the bare code. Says so
 * when the link is for another address (another stack's GUI).
 */
export function codeFromPasted(text: string, origin = window.location.origin): string {
  const trimmed = text.trim();
  if (trimmed === '') throw new SignInRequired('Paste the link that `flow-desktop status` printed.');
  if (!/^https?:/i.test(trimmed)) return trimmed.replace(/^#?code=/, '');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new SignInRequired('That is not a link: paste the whole line that starts with http://.');
  }
  if (url.origin !== origin)
    throw new SignInRequired(
      `That link is for ${url.host}, another GUI; this one is ${new URL(origin).host}.`,
    );
  const code = new URLSearchParams(url.hash.slice(1)).get('code');
  if (!code) throw new SignInRequired('That link has no sign-in code: it should end in #code=….');
  return code;
}

/** Trades a one-time code for the session cookie; rejects with the server's sentence when it is not valid. */
export async function redeemCode(code: string): Promise<void> {
  const response = await fetch(`${window.location.origin}${SESSION_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  if (response.ok) return;
  const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
  throw new SignInRequired(body.error?.message ?? `The sign-in failed (HTTP ${response.status}).`);
}

/** Ends the browser's session with the GUI (every tab of this origin). */
export async function endSession(): Promise<void> {
  await fetch(`${window.location.origin}${SESSION_PATH}`, { method: 'DELETE', headers: SESSION_HEADERS });
}

const RETURN_KEY = 'flow-desktop-return-to';
const RETURN_TTL_MS = 15 * 60_000;

/**
 * Remembers the view a signed-out tab was opened on (a bookmark, a shared `#/catalog?…` link), so that the
 * sign-in link, opened in this or another tab, lands there. Kept in localStorage: the link often opens a new tab.
 */
export function rememberReturnTo(path: string): void {
  localStorage.setItem(RETURN_KEY, JSON.stringify({ path, at: Date.now() }));
}

/** The remembered view (once: it is forgotten as it is read), if recent. */
export function takeReturnTo(now = Date.now()): string | null {
  const raw = localStorage.getItem(RETURN_KEY);
  localStorage.removeItem(RETURN_KEY);
  if (!raw) return null;
  try {
    const saved = JSON.parse(raw) as { path?: unknown; at?: unknown };
    if (typeof saved.path !== 'string' || !saved.path.startsWith('/') || typeof saved.at !== 'number')
      return null;
    return now - saved.at <= RETURN_TTL_MS ? saved.path : null;
  } catch {
    return null;
  }
}
