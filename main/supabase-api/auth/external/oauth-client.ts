import type { ExternalProviderConfig } from '../../config/auth-section.js';
import { readProfile, type ProviderEndpoints, type ProviderUser } from './provider-catalog.js';

/** A provider's answer to the code exchange (RFC 6749 §5.1). */
export interface ProviderTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
}

const TIMEOUT_MS = 10_000;

async function json(res: Response, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // GitHub answers form-encoded unless asked for JSON; read that too.
    value = Object.fromEntries(new URLSearchParams(text));
  }
  if (!res.ok) throw new Error(`${what} answered HTTP ${res.status}: ${text.slice(0, 200)}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${what} did not answer a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Trades an authorization code for the provider's tokens (client secret in the body, as golang.org/x/oauth2 tries first). */
export async function exchangeCode(
  config: ExternalProviderConfig,
  endpoints: ProviderEndpoints,
  code: string,
  redirectUri: string,
  fetchImpl: typeof fetch = fetch,
): Promise<ProviderTokens> {
  const res = await fetchImpl(endpoints.tokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: config.clientId,
      client_secret: config.secret,
    }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const body = await json(res, `${config.name}'s token endpoint`);
  const accessToken = typeof body.access_token === 'string' ? body.access_token : '';
  if (!accessToken) throw new Error(`${config.name}'s token endpoint gave no access_token`);
  return { accessToken, refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : '' };
}

/** The signed-in account at the provider, read with its access token. */
export async function fetchProviderUser(
  config: ExternalProviderConfig,
  endpoints: ProviderEndpoints,
  tokens: ProviderTokens,
  fetchImpl: typeof fetch = fetch,
): Promise<ProviderUser> {
  const headers = { Authorization: `Bearer ${tokens.accessToken}`, Accept: 'application/json' };
  const profile = await json(
    await fetchImpl(endpoints.userinfoUrl, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) }),
    `${config.name}'s user endpoint`,
  );
  let emails: Record<string, unknown>[] = [];
  if (endpoints.emailsUrl) {
    const res = await fetchImpl(endpoints.emailsUrl, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (res.ok) {
      const list: unknown = await res.json();
      if (Array.isArray(list))
        emails = list.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null);
    }
  }
  return readProfile(endpoints, new URL(endpoints.authorizeUrl).origin, profile, emails);
}
