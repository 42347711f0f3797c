import type { IncomingMessage } from 'node:http';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** The origins the mailbox answers as: its own loopback address and port, under each loopback name. */
export function ownOrigins(port: number): string[] {
  return LOOPBACK_NAMES.map((name) => `http://${name}:${port}`);
}

/**
 * Why a request to the mailbox is refused, or null when it may be answered. The mailbox hands out every
 * sign-in code, so only this machine's own clients may read it: the Host must name the loopback address
 * and port it listens on (a rebound DNS name is refused), and a browser request must come from the
 * mailbox's own page (a page on any other origin, including another loopback port, is refused). It sends
 * no CORS headers, so a cross-origin page could not read an answer anyway; refusing early also stops
 * requests that change state. `page` is true for the HTML page, which a link from another page may open.
 */
export function refusal(req: IncomingMessage, page: boolean): string | null {
  const port = req.socket.localPort;
  if (port === undefined) return 'no local port';
  const host = req.headers.host ?? '';
  if (!LOOPBACK_NAMES.some((name) => host === `${name}:${port}`)) {
    return `the mailbox answers only to http://127.0.0.1:${port} (Host "${host}" refused)`;
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !ownOrigins(port).includes(origin)) {
    return `requests from ${origin} may not read the mailbox; open it from the Flow Desktop GUI`;
  }
  // Sent by browsers even for requests that carry no Origin (a no-cors GET, an <img>): only the mailbox's
  // own page (same-origin) and typed-in addresses (none) are answered, and a link followed to the page (a
  // navigation, whose content the linking page cannot read; framing is refused by GUARD_HEADERS).
  const site = req.headers['sec-fetch-site'];
  const navigation =
    req.headers['sec-fetch-mode'] === 'navigate' && req.headers['sec-fetch-dest'] === 'document';
  if (site !== undefined && site !== 'same-origin' && site !== 'none' && !(page && navigation)) {
    return `${site} requests may not read the mailbox; open it from the Flow Desktop GUI`;
  }
  return null;
}

/** Headers on every mailbox answer: never cached, never framed, never embedded by another origin. */
export const GUARD_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};
