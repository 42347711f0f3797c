import { jsonResponse } from '../_shared/cors.ts';
import { DEFAULT_REDIRECT_URI, oauthConnector } from './connectors.ts';
import { base64, render } from './templates.ts';

/** The `auth-url` request: the connector, and what the provider's authorization URL is built from. */
export interface AuthUrlRequest {
  readonly connector_id?: unknown;
  readonly config?: unknown;
  readonly redirect_uri?: unknown;
  readonly state?: unknown;
}

const TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 40 random letters and digits. */
function verificationToken(): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(40)),
    (b) => TOKEN_CHARS[b % TOKEN_CHARS.length],
  ).join('');
}

/**
 * Renders the connector's `authUrlTemplate` with the OAuth client id, the redirect URI, the config and a state
 * (base64 JSON: the caller's state, a verification token and the connector id), and returns `{url, state}`.
 */
export async function authUrl(request: AuthUrlRequest): Promise<Response> {
  const { connector_id, config, redirect_uri, state } = request;
  if (typeof connector_id !== 'string' || connector_id === '') {
    return jsonResponse({ error: { code: 'invalid_request', message: 'connector_id is required' } }, 400);
  }
  const found = await oauthConnector(connector_id);
  if (!found.ok) return jsonResponse({ error: found.error }, 400);
  const template = found.row.oauth2_spec?.authUrlTemplate;
  if (typeof template !== 'string') {
    return jsonResponse(
      {
        error: { code: 'no_oauth2_spec', message: `connector ${connector_id} has no OAuth2 authUrlTemplate` },
      },
      400,
    );
  }
  const finalState = base64(
    JSON.stringify({
      ...(state !== null && typeof state === 'object' ? state : {}),
      verification_token: verificationToken(),
      connector_id,
    }),
  );
  const url = render(template, {
    state: finalState,
    redirect_uri: typeof redirect_uri === 'string' ? redirect_uri : DEFAULT_REDIRECT_URI,
    client_id: found.row.oauth2_client_id,
    config,
  });
  return jsonResponse({ url, state: finalState });
}
