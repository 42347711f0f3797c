import { randomBytes } from 'node:crypto';

const CODE_TTL_MS = 5 * 60_000;

/**
 * One-time codes for UI links: a link carries a code, not the session token, so the token never lands in
 * browser history or terminal scrollback. A code works once, within five minutes.
 */
export class SessionCodes {
  private readonly codes = new Map<string, number>();

  /** A new code. */
  issue(now = Date.now()): string {
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, now + CODE_TTL_MS);
    return code;
  }

  /** Consumes a code; true if it was valid. */
  redeem(code: string, now = Date.now()): boolean {
    const expires = this.codes.get(code);
    this.codes.delete(code);
    for (const [other, at] of this.codes) if (at < now) this.codes.delete(other);
    return expires !== undefined && expires >= now;
  }
}
