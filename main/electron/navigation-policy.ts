/**
 * What the window does with a URL it is asked to open or navigate to:
 * - `allow`: stay in the window (the app's own origin, the served GUI);
 * - `external`: hand it to the system browser (http, https and mailto links elsewhere, e.g. magic links);
 * - `deny`: everything else (file:, javascript:, data:, custom schemes, malformed URLs).
 */
export type NavigationVerdict = 'allow' | 'external' | 'deny';

const EXTERNAL_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:', 'mailto:']);

/** Classifies a URL against the app's origin (e.g. `http://127.0.0.1:5433`). */
export function classifyNavigation(url: string, appOrigin: string): NavigationVerdict {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'deny';
  }
  if (parsed.origin === appOrigin && parsed.username === '' && parsed.password === '') return 'allow';
  if (!EXTERNAL_PROTOCOLS.has(parsed.protocol)) return 'deny';
  // Credentials in a link are a phishing trick; nothing the app renders needs them.
  if (parsed.username !== '' || parsed.password !== '') return 'deny';
  return 'external';
}

/** Whether a frame's URL belongs to the app (the only sender allowed to ask for the GUI config). */
export function isAppUrl(url: string | undefined, appOrigin: string): boolean {
  return url !== undefined && classifyNavigation(url, appOrigin) === 'allow';
}
