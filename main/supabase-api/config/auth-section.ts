import { configSection, type ProjectConfigToml } from './project-config.js';

/** An external sign-in provider, `[auth.external.<name>]` of config.toml. */
export interface ExternalProviderConfig {
  readonly name: string;
  readonly enabled: boolean;
  readonly clientId: string;
  /** The client secret, with `env(NAME)` replaced by the variable's value ('' when it is not set). */
  readonly secret: string;
  /** Where the provider sends the browser back; '' means `<api url>/auth/v1/callback`. */
  readonly redirectUri: string;
  /** The provider's base or issuer URL, for self-hosted and OpenID Connect providers; '' for the default. */
  readonly url: string;
  readonly skipNonceCheck: boolean;
  readonly emailOptional: boolean;
}

/** The `[auth.rate_limit]` table: events per hour (e-mails, SMS, anonymous) or per 5 minutes (the rest). */
export interface AuthRateLimits {
  readonly emailSent: number;
  readonly smsSent: number;
  readonly anonymousUsers: number;
  readonly tokenRefresh: number;
  readonly signInSignUps: number;
  readonly tokenVerifications: number;
  readonly web3: number;
}

/** The Auth settings of config.toml that the embedded Auth server honours, with the Supabase CLI's defaults. */
export interface AuthSection {
  readonly siteUrl: string;
  readonly additionalRedirectUrls: readonly string[];
  readonly jwtExpiry: number;
  readonly enableSignup: boolean;
  readonly minimumPasswordLength: number;
  readonly refreshTokenReuseInterval: number;
  readonly email: {
    readonly enableSignup: boolean;
    readonly enableConfirmations: boolean;
    readonly otpLength: number;
    /** Seconds an e-mailed code or link stays valid. */
    readonly otpExpiry: number;
    /** Seconds before another e-mail may go to the same address. */
    readonly maxFrequency: number;
    readonly smtpEnabled: boolean;
  };
  readonly rateLimit: AuthRateLimits;
  readonly external: Readonly<Record<string, ExternalProviderConfig>>;
}

/** The Supabase CLI's defaults (pkg/config/templates/config.toml). */
export const CLI_DEFAULTS = {
  siteUrl: 'http://127.0.0.1:3000',
  jwtExpiry: 3600,
  minimumPasswordLength: 6,
  refreshTokenReuseInterval: 10,
  otpLength: 6,
  otpExpiry: 3600,
  maxFrequency: '1s',
  rateLimit: {
    emailSent: 2,
    smsSent: 30,
    anonymousUsers: 30,
    tokenRefresh: 150,
    signInSignUps: 30,
    tokenVerifications: 30,
    web3: 30,
  },
} as const;

/** Reads a config.toml value that may be `env(NAME)`, as the Supabase CLI does. */
export function resolveEnv(value: string, env: NodeJS.ProcessEnv): string {
  const m = /^env\((.*)\)$/.exec(value.trim());
  return m ? (env[m[1]!.trim()] ?? '') : value;
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/** Seconds of a Go duration string ("1s", "1m30s", "500ms"); a bare number is seconds. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') return value;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  let total = 0;
  let rest = text;
  while (rest !== '') {
    const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!m) throw new Error(`"${value}" is not a duration (for example "1s", "1m30s")`);
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return total;
}

function str(table: Readonly<Record<string, unknown>>, key: string, fallback: string): string {
  const v = table[key];
  return typeof v === 'string' ? v : fallback;
}

function num(table: Readonly<Record<string, unknown>>, key: string, fallback: number): number {
  const v = table[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

function bool(table: Readonly<Record<string, unknown>>, key: string, fallback: boolean): boolean {
  const v = table[key];
  return typeof v === 'boolean' ? v : fallback;
}

function strings(table: Readonly<Record<string, unknown>>, key: string): string[] {
  const v = table[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * The `[auth]` tables of the project's config.toml (`[auth]`, `[auth.email]`, `[auth.email.smtp]`,
 * `[auth.rate_limit]`, `[auth.external.<name>]`), each key with the Supabase CLI's name and default.
 */
export function readAuthSection(
  config: ProjectConfigToml,
  env: NodeJS.ProcessEnv = process.env,
): AuthSection {
  const auth = configSection(config, 'auth');
  const email = configSection(config, 'auth.email');
  const smtp = configSection(config, 'auth.email.smtp');
  const limits = configSection(config, 'auth.rate_limit');
  const externals = configSection(config, 'auth.external');
  const d = CLI_DEFAULTS.rateLimit;
  const external: Record<string, ExternalProviderConfig> = {};
  for (const [name, value] of Object.entries(externals)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    const t = value as Record<string, unknown>;
    external[name.toLowerCase()] = {
      name: name.toLowerCase(),
      enabled: bool(t, 'enabled', false),
      clientId: resolveEnv(str(t, 'client_id', ''), env),
      secret: resolveEnv(str(t, 'secret', ''), env),
      redirectUri: resolveEnv(str(t, 'redirect_uri', ''), env),
      url: resolveEnv(str(t, 'url', ''), env),
      skipNonceCheck: bool(t, 'skip_nonce_check', false),
      emailOptional: bool(t, 'email_optional', false),
    };
  }
  const rawFrequency = email.max_frequency;
  let maxFrequency: number;
  try {
    maxFrequency = parseDuration(
      typeof rawFrequency === 'string' || typeof rawFrequency === 'number'
        ? rawFrequency
        : CLI_DEFAULTS.maxFrequency,
    );
  } catch (error: unknown) {
    throw new Error(
      `config.toml [auth.email] max_frequency: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return {
    siteUrl: resolveEnv(str(auth, 'site_url', CLI_DEFAULTS.siteUrl), env),
    additionalRedirectUrls: strings(auth, 'additional_redirect_urls').map((u) => resolveEnv(u, env)),
    jwtExpiry: num(auth, 'jwt_expiry', CLI_DEFAULTS.jwtExpiry),
    enableSignup: bool(auth, 'enable_signup', true),
    minimumPasswordLength: num(auth, 'minimum_password_length', CLI_DEFAULTS.minimumPasswordLength),
    refreshTokenReuseInterval: num(
      auth,
      'refresh_token_reuse_interval',
      CLI_DEFAULTS.refreshTokenReuseInterval,
    ),
    email: {
      enableSignup: bool(email, 'enable_signup', true),
      enableConfirmations: bool(email, 'enable_confirmations', false),
      otpLength: num(email, 'otp_length', CLI_DEFAULTS.otpLength),
      otpExpiry: num(email, 'otp_expiry', CLI_DEFAULTS.otpExpiry),
      maxFrequency,
      smtpEnabled: bool(smtp, 'enabled', false),
    },
    rateLimit: {
      emailSent: num(limits, 'email_sent', d.emailSent),
      smsSent: num(limits, 'sms_sent', d.smsSent),
      anonymousUsers: num(limits, 'anonymous_users', d.anonymousUsers),
      tokenRefresh: num(limits, 'token_refresh', d.tokenRefresh),
      signInSignUps: num(limits, 'sign_in_sign_ups', d.signInSignUps),
      tokenVerifications: num(limits, 'token_verifications', d.tokenVerifications),
      web3: num(limits, 'web3', d.web3),
    },
    external,
  };
}
