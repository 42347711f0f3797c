import { jsonResponse } from '../_shared/cors.ts';
import { DEFAULT_REDIRECT_URI, oauthConnector } from './connectors.ts';
import { render, unbase64, valueAtPointer } from './templates.ts';

/**
 * The `access-token` request: the state `auth-url` returned, and what the provider redirected back with (`code`,
 * and anything else, all available to the templates).
 */
export interface AccessTokenRequest {
  readonly state?: unknown;
  readonly config?: unknown;
  readonly redirect_uri?: unknown;
  readonly [param: string]: unknown;
}

function connectorOfState(state: unknown): string | null {
  if (typeof state !== 'string') return null;
  try {
    const decoded = JSON.parse(unbase64(state)) as { connector_id?: unknown };
    return typeof decoded.connector_id === 'string' ? decoded.connector_id : null;
  } catch {
    return null;
  }
}

/** The provider's answer as JSON (or a form-encoded body, as some providers answer token requests). */
function parseTokenResponse(text: string, contentType: string | null): unknown {
  try {
    return JSON.parse(text);
  } catch {
    if (contentType?.includes('application/x-www-form-urlencoded')) {
      return Object.fromEntries(new URLSearchParams(text));
    }
    return null;
  }
}

/**
 * Exchanges the authorization code for tokens: renders the connector's token URL, body and headers templates
 * (with the client id and secret, injected values, the config and the request's parameters), POSTs to the
 * provider, and answers with the provider's status and its tokens picked out by `accessTokenResponseMap`
 * (values starting with "/" are JSON pointers into the provider's answer, others are templates over it).
 */
export async function accessToken(request: AccessTokenRequest): Promise<Response> {
  const { state, config, redirect_uri, ...params } = request;
  const connectorId = connectorOfState(state);
  if (connectorId === null) {
    return jsonResponse(
      { error: { code: 'invalid_request', message: 'state must be the state that auth-url returned' } },
      400,
    );
  }
  const found = await oauthConnector(connectorId);
  if (!found.ok) return jsonResponse({ error: found.error }, 400);
  const { oauth2_spec: spec, oauth2_client_id, oauth2_client_secret, oauth2_injected_values } = found.row;
  if (!spec || typeof spec.accessTokenUrlTemplate !== 'string') {
    return jsonResponse(
      {
        error: {
          code: 'no_oauth2_spec',
          message: `connector ${connectorId} has no OAuth2 accessTokenUrlTemplate`,
        },
      },
      400,
    );
  }
  const context: Record<string, unknown> = {
    redirect_uri: typeof redirect_uri === 'string' ? redirect_uri : DEFAULT_REDIRECT_URI,
    client_id: oauth2_client_id,
    client_secret: oauth2_client_secret,
    config,
    ...(oauth2_injected_values ?? {}),
    ...params,
  };
  const url = render(spec.accessTokenUrlTemplate, context);
  const body = spec.accessTokenBody ? render(spec.accessTokenBody, context) : null;
  const headers = spec.accessTokenHeaders
    ? (JSON.parse(render(JSON.stringify(spec.accessTokenHeaders), context)) as Record<string, string>)
    : {};
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      body,
      headers: { accept: 'application/json', 'content-type': 'application/json', ...headers },
    });
  } catch (error: unknown) {
    const reason =
      error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : '';
    console.log(`access token request to ${new URL(url).origin} failed: ${reason}`);
    return jsonResponse(
      {
        error: {
          code: 'provider_unreachable',
          message: `the OAuth provider at ${new URL(url).origin} did not answer`,
        },
      },
      502,
    );
  }
  const text = await response.text();
  const answer = parseTokenResponse(text, response.headers.get('content-type'));
  if (response.status >= 400) {
    // Its error, not the request (that has the client secret and the code).
    console.log(
      `access token request failed: POST ${new URL(url).origin}${new URL(url).pathname} answered ${response.status}`,
    );
  }
  if (answer === null) {
    return jsonResponse(
      {
        error: { code: 'invalid_provider_response', message: 'the OAuth provider did not answer with JSON' },
      },
      502,
    );
  }
  const mapped: Record<string, unknown> = {};
  for (const [key, source] of Object.entries(spec.accessTokenResponseMap ?? {})) {
    mapped[key] = source.startsWith('/')
      ? valueAtPointer(answer, source)
      : render(
          source,
          answer !== null && typeof answer === 'object' ? (answer as Record<string, unknown>) : {},
        );
  }
  return jsonResponse(mapped, response.status);
}
