import type { AuthSection } from '../config/auth-section.js';
import type { JwtCodec } from '../http/jwt.js';
import type { MailStore } from '../mailbox/mail-store.js';
import type { ExternalAccounts } from './external/external-accounts.js';
import type { ProviderEndpoints } from './external/provider-catalog.js';
import type { OtpAttempts } from './otp-attempts.js';
import type { PasswordHasher } from './password-hasher.js';
import type { FlowStates } from './pkce.js';
import type { AuthLimiters } from './rate-limits.js';
import type { RedirectPolicy } from './redirect-urls.js';
import type { SessionIssuer } from './session-issuer.js';
import type { SessionStore } from './session-store.js';
import type { UserStore } from './user-store.js';

/** What the Auth routes need. */
export interface AuthDeps {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly hasher: PasswordHasher;
  readonly issuer: SessionIssuer;
  readonly jwt: JwtCodec;
  readonly mail: MailStore;
  /** The API's own URL (http://127.0.0.1:5431), for links in e-mails. */
  readonly externalUrl: string;
  /** config.toml's `[auth]` tables. */
  readonly config: AuthSection;
  /** Where redirects may go: `site_url`, `additional_redirect_urls` and the stack's own GUI. */
  readonly redirects: RedirectPolicy;
  readonly limits: AuthLimiters;
  readonly attempts: OtpAttempts;
  /** PKCE flows under way (auth.flow_state). */
  readonly flows: FlowStates;
  /** Users behind external identities (sign-in with a provider). */
  readonly accounts: ExternalAccounts;
  /** Reaching the providers: overridable for tests; default the global fetch and the provider catalog. */
  readonly fetch?: typeof fetch;
  readonly providerEndpoints?: (config: AuthSection['external'][string]) => Promise<ProviderEndpoints>;
  readonly log?: (text: string) => void;
}

/** An Auth request after routing. */
export interface AuthRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: Record<string, unknown>;
  readonly bearer: string | null;
  readonly userAgent: string | null;
  /** The client's address, the key of the rate limits. */
  readonly ip: string;
  /** `X-JWT-AUD`: the audience the client asks for (GoTrue's `requestAud`), or null. */
  readonly audience: string | null;
}

/** An Auth response: JSON (or none, for 204), or a 303 redirect. */
export interface AuthResponse {
  readonly status: number;
  readonly json?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A string field of a JSON body, or undefined. */
export function str(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  return typeof v === 'string' ? v : undefined;
}

/** An object field of a JSON body, or undefined. */
export function obj(body: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const v = body[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}
