import type { ExternalProviderConfig } from '../../config/auth-section.js';
import { JwtError } from '../../http/jwt.js';
import { AuthError, validationFailed } from '../auth-error.js';
import type { AuthDeps, AuthRequest, AuthResponse } from '../auth-types.js';
import { readPkceChallenge } from '../pkce.js';
import { allowedRedirect } from '../redirect-urls.js';
import { isBanned } from '../sign-in-routes.js';
import { exchangeCode, fetchProviderUser } from './oauth-client.js';
import { GOTRUE_PROVIDERS, providerEndpoints } from './provider-catalog.js';

/** How long the browser has at the provider (GoTrue's state JWT lives 5 minutes). */
const STATE_TTL_S = 300;

function unsupported(reason: string): AuthError {
  return validationFailed(`Unsupported provider: ${reason}`);
}

/**
 * The configured provider `name`, or GoTrue's 400 "Unsupported provider: …": unknown names "could not be
 * found"; known ones not enabled in config.toml (or enabled without a client id or secret) are refused with
 * `ValidateOAuth`'s reason.
 */
export function configuredProvider(
  deps: AuthDeps,
  rawName: string,
): ExternalProviderConfig & { redirectUri: string } {
  const name = rawName.toLowerCase();
  const config = deps.config.external[name];
  if (!config) {
    if ((GOTRUE_PROVIDERS as readonly string[]).includes(name)) throw unsupported('provider is not enabled');
    throw unsupported(`Provider ${rawName} could not be found`);
  }
  if (!config.enabled) throw unsupported('provider is not enabled');
  if (config.clientId === '') throw unsupported('missing OAuth client ID');
  if (config.secret === '') throw unsupported('missing OAuth secret');
  return { ...config, redirectUri: config.redirectUri || `${deps.externalUrl}/auth/v1/callback` };
}

/**
 * GET /authorize?provider=&redirect_to=&scopes=[&code_challenge=&code_challenge_method=]: 302 to the provider's
 * consent page, with a signed state that carries the provider, where to return and (PKCE) the flow's id.
 * Query parameters Auth does not use go on to the provider, as GoTrue passes them.
 */
export async function authorize(deps: AuthDeps, req: AuthRequest): Promise<AuthResponse> {
  const name = req.query.get('provider') ?? '';
  const config = configuredProvider(deps, name);
  let endpoints;
  try {
    endpoints = await (deps.providerEndpoints ?? providerEndpoints)(config);
  } catch (error: unknown) {
    throw unsupported(error instanceof Error ? error.message : String(error));
  }
  const pkce = readPkceChallenge(req.query.get('code_challenge'), req.query.get('code_challenge_method'));
  const referrer = allowedRedirect(deps.redirects, req.query.get('redirect_to'));
  const flowStateId = pkce ? await deps.flows.create(config.name, 'oauth', pkce) : '';
  const now = Math.floor(Date.now() / 1000);
  const state = await deps.jwt.sign({
    exp: now + STATE_TTL_S,
    site_url: deps.config.siteUrl,
    id: '00000000-0000-0000-0000-000000000000',
    provider: config.name,
    referrer,
    flow_state_id: flowStateId,
  });
  const extra = (req.query.get('scopes') ?? '').split(/\s+/).filter((s) => s !== '');
  const scopes = [...new Set([...endpoints.scopes, ...extra])];
  const target = new URL(endpoints.authorizeUrl);
  target.searchParams.set('client_id', config.clientId);
  target.searchParams.set('redirect_uri', config.redirectUri);
  target.searchParams.set('response_type', 'code');
  target.searchParams.set('scope', scopes.join(' '));
  target.searchParams.set('state', state);
  for (const [key, value] of req.query) {
    if (!['provider', 'scopes', 'code_challenge', 'code_challenge_method'].includes(key)) {
      target.searchParams.set(key, value);
    }
  }
  return { status: 302, headers: { Location: target.toString() } };
}

/** The OAuth error names GoTrue's `oauthErrorMap` gives HTTP statuses. */
function oauthErrorName(error: AuthError): string {
  if (['signup_disabled', 'user_banned', 'provider_email_needs_verification'].includes(error.code)) {
    return 'access_denied';
  }
  const byStatus: Record<number, string> = {
    400: 'invalid_request',
    401: 'unauthorized_client',
    403: 'access_denied',
    500: 'server_error',
    503: 'temporarily_unavailable',
  };
  return byStatus[error.status] ?? 'server_error';
}

/** GoTrue's `redirectErrors`: 302 back to the app with the error in the query and in the fragment. */
function redirectError(
  target: string,
  error: string,
  code: string | null,
  description: string,
): AuthResponse {
  const url = new URL(target);
  url.hash = '';
  const params = new URLSearchParams();
  params.set('error', error);
  if (code) params.set('error_code', code);
  params.set('error_description', description);
  for (const [k, v] of params) url.searchParams.set(k, v);
  return { status: 302, headers: { Location: `${url.toString()}#${params.toString()}` } };
}

interface StateClaims {
  readonly provider: string;
  readonly referrer: string;
  readonly flowStateId: string;
}

async function readState(deps: AuthDeps, state: string | null): Promise<StateClaims> {
  if (!state) throw new AuthError(400, 'bad_oauth_callback', 'OAuth state parameter missing');
  let claims;
  try {
    claims = await deps.jwt.verify(state);
  } catch (error: unknown) {
    if (error instanceof JwtError)
      throw new AuthError(400, 'bad_oauth_state', 'OAuth callback with invalid state');
    throw error;
  }
  if (typeof claims.exp !== 'number')
    throw new AuthError(400, 'bad_oauth_state', 'OAuth callback with invalid state');
  if (typeof claims.provider !== 'string' || claims.provider === '') {
    throw new AuthError(400, 'bad_oauth_state', 'OAuth callback with invalid state (missing provider)');
  }
  return {
    provider: claims.provider,
    referrer: typeof claims.referrer === 'string' ? claims.referrer : '',
    flowStateId: typeof claims.flow_state_id === 'string' ? claims.flow_state_id : '',
  };
}

/**
 * GET or POST /callback?code=&state=: trades the provider's code for its tokens and profile, finds or makes the
 * user (external-accounts.ts) and sends the browser back to where /authorize was asked to: with the session in
 * the URL fragment (implicit flow) or `?code=` for the PKCE exchange. A state that is missing or forged is a
 * 400; every later failure goes back to the app as `error`, `error_code` and `error_description`.
 */
export async function callback(deps: AuthDeps, req: AuthRequest): Promise<AuthResponse> {
  const params = new URLSearchParams(req.query);
  if (req.method === 'POST') {
    for (const [k, v] of Object.entries(req.body)) if (typeof v === 'string') params.set(k, v);
  }
  const state = await readState(deps, params.get('state'));
  const target = state.referrer || deps.config.siteUrl;
  const providerError = params.get('error');
  if (providerError) return redirectError(target, providerError, null, params.get('error_description') ?? '');
  try {
    const code = params.get('code');
    if (!code)
      throw new AuthError(
        400,
        'bad_oauth_callback',
        'OAuth callback with missing authorization code missing',
      );
    let config;
    try {
      config = configuredProvider(deps, state.provider);
    } catch (error: unknown) {
      if (error instanceof AuthError) throw new AuthError(400, 'oauth_provider_not_supported', error.message);
      throw error;
    }
    const endpoints = await (deps.providerEndpoints ?? providerEndpoints)(config);
    const fetchImpl = deps.fetch ?? fetch;
    let tokens;
    try {
      tokens = await exchangeCode(config, endpoints, code, config.redirectUri, fetchImpl);
    } catch (error: unknown) {
      deps.log?.(`oauth ${config.name}: code exchange failed: ${String(error)}`);
      throw new AuthError(500, 'unexpected_failure', `Unable to exchange external code: ${code.slice(0, 4)}`);
    }
    let profile;
    try {
      profile = await fetchProviderUser(config, endpoints, tokens, fetchImpl);
    } catch (error: unknown) {
      deps.log?.(`oauth ${config.name}: profile failed: ${String(error)}`);
      throw new AuthError(500, 'unexpected_failure', 'Error getting user profile from external provider');
    }
    if (profile.subject === '' || (profile.email === '' && !config.emailOptional)) {
      throw new AuthError(500, 'unexpected_failure', 'Error getting user email from external provider');
    }
    const signupAllowed = deps.config.enableSignup;
    const user = await deps.accounts.resolve(config.name, profile, signupAllowed);
    if (isBanned(user)) throw new AuthError(403, 'user_banned', 'User is banned');
    if (state.flowStateId) {
      const authCode = await deps.flows.complete(
        state.flowStateId,
        user.id,
        tokens.accessToken,
        tokens.refreshToken,
      );
      if (!authCode) throw new AuthError(422, 'flow_state_not_found', 'Flow state not found');
      const url = new URL(target);
      url.searchParams.set('code', authCode);
      return { status: 302, headers: { Location: url.toString() } };
    }
    const session = await deps.sessions.create(user.id, 'oauth', req.userAgent);
    const json = await deps.issuer.session((await deps.users.byId(user.id)) ?? user, session);
    // Go's url.Values.Encode: keys sorted.
    const fragment = new URLSearchParams(
      Object.entries({
        access_token: String(json.access_token),
        expires_at: String(json.expires_at),
        expires_in: String(json.expires_in),
        ...(tokens.refreshToken ? { provider_refresh_token: tokens.refreshToken } : {}),
        provider_token: tokens.accessToken,
        refresh_token: String(json.refresh_token),
        token_type: 'bearer',
      }).sort(([a], [b]) => a.localeCompare(b)),
    );
    return { status: 302, headers: { Location: `${target.split('#', 1)[0]}#${fragment.toString()}` } };
  } catch (error: unknown) {
    if (!(error instanceof AuthError)) throw error;
    return redirectError(target, oauthErrorName(error), error.code, error.message);
  }
}
