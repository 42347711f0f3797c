import type { AuthRateLimits } from '../config/auth-section.js';
import { AuthError } from './auth-error.js';

/**
 * A token bucket per key, as GoTrue's limiters (tollbooth over golang.org/x/time/rate): a key starts with
 * `burst` tokens, each request takes one, and tokens come back at `perSecond`. Keys idle for an hour are
 * forgotten (tollbooth's expiry), which also bounds the memory an attacker can make it hold.
 */
export class TokenBucket {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token for `key`; false when none is left. */
  take(key: string): boolean {
    const now = this.now();
    const found = this.buckets.get(key);
    const tokens = found
      ? Math.min(this.burst, found.tokens + ((now - found.at) / 1000) * this.perSecond)
      : this.burst;
    if (this.buckets.size > 10_000) this.forgetIdle(now);
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: now });
      return false;
    }
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    return true;
  }

  private forgetIdle(now: number): void {
    for (const [key, b] of this.buckets) if (now - b.at > 3600_000) this.buckets.delete(key);
  }
}

/** GoTrue's burst for every per-5-minutes limiter (internal/api/options.go). */
const BURST = 30;

/** E-mails per hour when no SMTP server is configured: the Supabase CLI's GOTRUE_RATE_LIMIT_EMAIL_SENT. */
const MAILBOX_EMAILS_PER_HOUR = 360_000;

function per5Minutes(limit: number, now?: () => number): TokenBucket {
  return new TokenBucket(limit / 300, BURST, now);
}

/** The limiters of the Auth routes, one per route as in GoTrue, from `[auth.rate_limit]`. */
export class AuthLimiters {
  /** POST /signup with an e-mail (sign_in_sign_ups, GoTrue's RATE_LIMIT_OTP). */
  readonly signups: TokenBucket;
  readonly otp: TokenBucket;
  readonly magicLink: TokenBucket;
  readonly recover: TokenBucket;
  /** PUT /user. */
  readonly user: TokenBucket;
  /** POST /token: password, refresh_token and pkce grants share it (token_refresh). */
  readonly token: TokenBucket;
  /** GET and POST /verify (token_verifications). */
  readonly verify: TokenBucket;
  /** E-mails sent, for the whole server (email_sent per hour; only with `[auth.email.smtp]`, as the CLI). */
  readonly email: TokenBucket;
  private readonly emailPerHour: number;

  constructor(limits: AuthRateLimits, smtpEnabled: boolean, now?: () => number) {
    this.signups = per5Minutes(limits.signInSignUps, now);
    this.otp = per5Minutes(limits.signInSignUps, now);
    this.magicLink = per5Minutes(limits.signInSignUps, now);
    this.recover = per5Minutes(limits.signInSignUps, now);
    this.user = per5Minutes(limits.signInSignUps, now);
    this.token = per5Minutes(limits.tokenRefresh, now);
    this.verify = per5Minutes(limits.tokenVerifications, now);
    this.emailPerHour = smtpEnabled ? limits.emailSent : MAILBOX_EMAILS_PER_HOUR;
    this.email = new TokenBucket(this.emailPerHour / 3600, this.emailPerHour, now);
  }

  /** 429 over_request_rate_limit, GoTrue's answer, when `client` has no token left in `bucket`. */
  static check(bucket: TokenBucket, client: string): void {
    if (!bucket.take(client)) {
      throw new AuthError(429, 'over_request_rate_limit', 'Request rate limit reached');
    }
  }

  /** 429 over_email_send_rate_limit when the server may send no more e-mails this hour. */
  checkEmail(): void {
    if (this.emailPerHour <= 0 || !this.email.take('email_functions')) {
      throw new AuthError(429, 'over_email_send_rate_limit', 'Email rate limit exceeded');
    }
  }
}
