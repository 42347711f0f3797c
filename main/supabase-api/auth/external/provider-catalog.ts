import type { ExternalProviderConfig } from '../../config/auth-section.js';

/** Where an OAuth provider's endpoints are, and how its profile becomes GoTrue's identity data. */
export interface ProviderEndpoints {
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  readonly userinfoUrl: string;
  /** Scopes asked for when the client names none (GoTrue's defaults per provider). */
  readonly scopes: readonly string[];
  /** GitHub-style APIs list e-mails at a second URL. */
  readonly emailsUrl?: string;
  /** How the profile JSON is read. */
  readonly profile: 'oidc' | 'github' | 'gitlab';
}

/** The names GoTrue knows (`Provider` in internal/api/external.go), for its "could not be found" answer. */
export const GOTRUE_PROVIDERS = [
  'apple',
  'azure',
  'bitbucket',
  'discord',
  'facebook',
  'figma',
  'fly',
  'github',
  'gitlab',
  'google',
  'kakao',
  'keycloak',
  'linkedin',
  'linkedin_oidc',
  'notion',
  'spotify',
  'slack',
  'slack_oidc',
  'twitch',
  'twitter',
  'workos',
  'zoom',
] as const;

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** OpenID Connect discovery of an issuer's endpoints (`<issuer>/.well-known/openid-configuration`). */
async function discover(issuer: string, fetchImpl: typeof fetch): Promise<ProviderEndpoints> {
  const url = `${trimSlash(issuer)}/.well-known/openid-configuration`;
  const res = await fetchImpl(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}`);
  const doc = (await res.json()) as Record<string, unknown>;
  const get = (key: string): string => {
    const v = doc[key];
    if (typeof v !== 'string' || v === '') throw new Error(`${url} has no ${key}`);
    return v;
  };
  return {
    authorizeUrl: get('authorization_endpoint'),
    tokenUrl: get('token_endpoint'),
    userinfoUrl: get('userinfo_endpoint'),
    scopes: ['openid', 'email', 'profile'],
    profile: 'oidc',
  };
}

/**
 * The endpoints of a configured provider. Google, Azure and Keycloak are OpenID Connect providers; GitHub and
 * GitLab have their own profile APIs. `url` in `[auth.external.<name>]` is the provider's base or issuer URL,
 * as the Supabase CLI's comment says ("self-hosted gitlab, single-tenant Azure, or any other third-party OIDC
 * providers"): a self-hosted GitHub or GitLab, a Keycloak realm, an Azure tenant, or, for Google and any other
 * name, an OpenID Connect issuer whose discovery document lists the endpoints.
 */
export async function providerEndpoints(
  config: ExternalProviderConfig,
  fetchImpl: typeof fetch = fetch,
): Promise<ProviderEndpoints> {
  const base = trimSlash(config.url);
  switch (config.name) {
    case 'github': {
      const web = base || 'https://github.com';
      const api = base ? `${base}/api/v3` : 'https://api.github.com';
      return {
        authorizeUrl: `${web}/login/oauth/authorize`,
        tokenUrl: `${web}/login/oauth/access_token`,
        userinfoUrl: `${api}/user`,
        emailsUrl: `${api}/user/emails`,
        scopes: ['user:email'],
        profile: 'github',
      };
    }
    case 'gitlab': {
      const web = base || 'https://gitlab.com';
      return {
        authorizeUrl: `${web}/oauth/authorize`,
        tokenUrl: `${web}/oauth/token`,
        userinfoUrl: `${web}/api/v4/user`,
        emailsUrl: `${web}/api/v4/user/emails`,
        scopes: ['read_user'],
        profile: 'gitlab',
      };
    }
    case 'keycloak':
      if (!base) throw new Error('Keycloak needs url, its realm URL (https://host/realms/<realm>)');
      return {
        authorizeUrl: `${base}/protocol/openid-connect/auth`,
        tokenUrl: `${base}/protocol/openid-connect/token`,
        userinfoUrl: `${base}/protocol/openid-connect/userinfo`,
        scopes: ['openid', 'profile', 'email'],
        profile: 'oidc',
      };
    case 'azure': {
      if (base && !/login\.microsoftonline\.com/.test(base)) return discover(`${base}/v2.0`, fetchImpl);
      const tenant = base || 'https://login.microsoftonline.com/common';
      return {
        authorizeUrl: `${tenant}/oauth2/v2.0/authorize`,
        tokenUrl: `${tenant}/oauth2/v2.0/token`,
        userinfoUrl: 'https://graph.microsoft.com/oidc/userinfo',
        scopes: ['openid', 'email', 'profile'],
        profile: 'oidc',
      };
    }
    case 'google':
      if (base) return discover(base, fetchImpl);
      return {
        authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
        tokenUrl: 'https://oauth2.googleapis.com/token',
        userinfoUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
        scopes: ['openid', 'email', 'profile'],
        profile: 'oidc',
      };
    default:
      if (base) return discover(base, fetchImpl);
      throw new Error(
        `Provider ${config.name} needs url, its OpenID Connect issuer, in [auth.external.${config.name}]`,
      );
  }
}

/** A provider's account, as GoTrue's `provider.UserProvidedData`. */
export interface ProviderUser {
  /** The provider's id for the account (`sub`). */
  readonly subject: string;
  readonly email: string;
  readonly emailVerified: boolean;
  /** GoTrue's identity data (`structs.Map` of its Claims; empty values left out). */
  readonly identityData: Record<string, unknown>;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

function verified(v: unknown): boolean {
  return v === true || v === 'true';
}

function compact(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(data).filter(([, v]) => v !== '' && v !== undefined && v !== null),
  );
}

/** Reads a provider's profile (and e-mail list) into a ProviderUser. */
export function readProfile(
  endpoints: ProviderEndpoints,
  issuer: string,
  profile: Record<string, unknown>,
  emails: readonly Record<string, unknown>[] = [],
): ProviderUser {
  if (endpoints.profile === 'oidc') {
    const sub = text(profile.sub);
    const email = text(profile.email);
    const name = text(profile.name);
    const picture = text(profile.picture);
    return {
      subject: sub,
      email,
      emailVerified: verified(profile.email_verified),
      identityData: compact({
        iss: issuer,
        sub,
        name,
        email,
        picture,
        full_name: name,
        avatar_url: picture,
        provider_id: sub,
        user_name: text(profile.preferred_username),
        email_verified: verified(profile.email_verified),
        phone_verified: false,
      }),
    };
  }
  const id = text(profile.id);
  const primary =
    emails.find((e) => e.primary === true && (e.verified === true || e.confirmed_at)) ??
    emails.find((e) => e.primary === true) ??
    null;
  const email = primary ? text(primary.email) : text(profile.email);
  const emailVerified = primary
    ? primary.verified === true || text(primary.confirmed_at) !== ''
    : endpoints.profile === 'gitlab' && text(profile.confirmed_at) !== '';
  const name = text(profile.name);
  const avatar = text(profile.avatar_url);
  const userName = text(endpoints.profile === 'github' ? profile.login : profile.username);
  return {
    subject: id,
    email,
    emailVerified,
    identityData: compact({
      iss: issuer,
      sub: id,
      name,
      email,
      full_name: name,
      avatar_url: avatar,
      provider_id: id,
      user_name: userName,
      preferred_username: userName,
      email_verified: emailVerified,
      phone_verified: false,
    }),
  };
}
