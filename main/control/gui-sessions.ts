import { randomBytes, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';

import { SESSION_HEADER, SESSION_HEADER_VALUE } from '../../shared/control-api.js';

/**
 * Browser sessions of the headless GUI. Trading a UI link's one-time code gives the browser an HttpOnly,
 * SameSite=Strict cookie that every tab of the origin shares; the per-run bearer token itself never reaches the
 * page. Sessions live as long as this supervisor: a new run needs a new link.
 */
export class GuiSessions {
  /** Live sessions, each with what to close when it ends (its event streams). */
  private readonly ids = new Map<string, Set<() => void>>();

  /**
   * @param port the UI port: cookies ignore ports, so the name carries it (two stacks on one machine each keep
   *   their own session).
   */
  constructor(private readonly port: number) {}

  /** The cookie's name for this UI port. */
  get cookieName(): string {
    return `flow_desktop_session_${this.port}`;
  }

  /** Starts a session; returns the Set-Cookie header value. */
  create(): string {
    const id = randomBytes(32).toString('base64url');
    this.ids.set(id, new Set());
    return `${this.cookieName}=${id}; Path=/; HttpOnly; SameSite=Strict`;
  }

  /** Ends the request's session (sign out); returns the Set-Cookie header that deletes the cookie. */
  end(req: http.IncomingMessage): string {
    const id = this.known(req);
    if (id) {
      for (const close of this.ids.get(id) ?? []) close();
      this.ids.delete(id);
    }
    return `${this.cookieName}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
  }

  /**
   * True when the request carries a live session cookie and came from the GUI itself: the custom header (which
   * a cross-origin page can only send after a pre-flight this server never allows) and, where the browser says
   * it, Sec-Fetch-Site same-origin. SameSite alone is not enough: every port of 127.0.0.1 is the same site.
   */
  authorizes(req: http.IncomingMessage): boolean {
    if (req.headers[SESSION_HEADER] !== SESSION_HEADER_VALUE) return false;
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') return false;
    return this.known(req) !== null;
  }

  /** Runs `close` when the request's session ends (an event stream closes, so its tab hears at once). */
  onEnd(req: http.IncomingMessage, close: () => void): () => void {
    const closers = this.ids.get(this.known(req) ?? '');
    closers?.add(close);
    return () => closers?.delete(close);
  }

  private known(req: http.IncomingMessage): string | null {
    const id = this.idOf(req);
    if (!id) return null;
    for (const known of this.ids.keys()) if (sameSecret(known, id)) return known;
    return null;
  }

  private idOf(req: http.IncomingMessage): string | null {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [name, ...value] = part.trim().split('=');
      if (name === this.cookieName) return value.join('=') || null;
    }
    return null;
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
