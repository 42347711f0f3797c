import type { IncomingMessage } from 'node:http';

import { isDatabaseUnavailable } from '../db/connection-failure.js';
import { DatabaseUnavailableError } from '../db/retrying-db.js';
import { header } from '../http/http-io.js';
import { decodeUtf8Strict, hasLoneSurrogate, InvalidUtf8Error, parseFormStrict } from '../http/utf8.js';
import { adminRoute } from './admin-routes.js';
import { AuthError, validationFailed } from './auth-error.js';
import type { AuthDeps, AuthRequest, AuthResponse } from './auth-types.js';
import { authorize, callback } from './external/external-routes.js';
import { checkBodyText, checkQuery } from './input-checks.js';
import { otp, recover, signUp, token, verifyGet, verifyPost } from './sign-in-routes.js';
import { getUser, logout, updateUser } from './user-routes.js';

const API_VERSION = '2024-01-01';

/** The providers GET /settings lists (GoTrue's `ProviderSettings`). */
const SETTINGS_PROVIDERS = [
  'anonymous_users',
  'apple',
  'azure',
  'bitbucket',
  'discord',
  'facebook',
  'snapchat',
  'figma',
  'fly',
  'github',
  'gitlab',
  'google',
  'keycloak',
  'kakao',
  'linkedin',
  'linkedin_oidc',
  'notion',
  'spotify',
  'slack',
  'slack_oidc',
  'workos',
  'twitch',
  'twitter',
  'email',
  'phone',
  'zoom',
];

/** GET /settings: which providers are enabled in config.toml, and the sign-up switches. */
function settings(deps: AuthDeps): Record<string, unknown> {
  const external: Record<string, boolean> = {};
  for (const p of SETTINGS_PROVIDERS) {
    external[p] =
      p === 'email' ? deps.config.email.enableSignup : (deps.config.external[p]?.enabled ?? false);
  }
  for (const [name, p] of Object.entries(deps.config.external)) external[name] = p.enabled;
  return {
    external,
    disable_signup: !deps.config.enableSignup,
    mailer_autoconfirm: true,
    phone_autoconfirm: false,
    sms_provider: 'twilio',
    saml_enabled: false,
    saml_private_key_next_configured: false,
    passkeys_enabled: false,
  };
}

const HEALTH = {
  version: 'v2.170.0',
  name: 'GoTrue',
  description: 'GoTrue is a user registration and authentication API',
};

/**
 * The request body as an object. Invalid UTF-8 (raw, percent-escaped in a form, or a lone surrogate escape
 * in JSON) is refused with a 400 rather than stored with U+FFFD in its place; anything JSON.parse refuses
 * is GoTrue's 400 bad_json.
 */
function parseBody(bytes: Buffer, contentType: string | undefined): Record<string, unknown> {
  if (bytes.length === 0) return {};
  let text: string;
  try {
    text = decodeUtf8Strict(bytes);
  } catch (error: unknown) {
    if (error instanceof InvalidUtf8Error) throw badJson(error.message);
    throw error;
  }
  if (text.trim() === '') return {};
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    const form = parseForm(text);
    checkQuery(form);
    return Object.fromEntries(form);
  }
  checkBodyText(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badJson();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badJson();
  if (hasLoneSurrogate(value)) throw badJson('invalid Unicode escape: lone surrogate');
  return value as Record<string, unknown>;
}

/** GoTrue's 400 bad_json, with the reason after its "Could not parse request body as JSON" when known. */
function badJson(reason?: string): AuthError {
  const message = 'Could not parse request body as JSON';
  return new AuthError(400, 'bad_json', reason ? `${message}: ${reason}` : message);
}

/** A query string or form body; escapes spelling invalid UTF-8 are a 400 validation_failed. */
function parseForm(text: string): URLSearchParams {
  try {
    return parseFormStrict(text);
  } catch (error: unknown) {
    if (error instanceof InvalidUtf8Error)
      throw validationFailed(`Could not parse request parameters: ${error.message}`);
    throw error;
  }
}

function bearer(req: IncomingMessage): string | null {
  const auth = header(req, 'authorization');
  const m = auth ? /^bearer\s+(.+)$/i.exec(auth.trim()) : null;
  return m ? m[1]!.trim() : null;
}

async function route(deps: AuthDeps, r: AuthRequest): Promise<AuthResponse> {
  const parts = r.path.split('/').filter((p) => p !== '');
  const [first, ...rest] = parts;
  const key = `${r.method} ${first ?? ''}`;
  switch (key) {
    case 'GET health':
      return { status: 200, json: HEALTH };
    case 'GET settings':
      return { status: 200, json: settings(deps) };
    case 'GET authorize':
      return authorize(deps, r);
    case 'GET callback':
    case 'POST callback':
      return callback(deps, r);
    case 'POST signup':
      return signUp(deps, r);
    case 'POST token':
      return token(deps, r);
    case 'POST otp':
      return otp(deps, r, 'otp');
    case 'POST magiclink':
      return otp(deps, r, 'magiclink');
    case 'POST recover':
      return recover(deps, r);
    case 'POST verify':
      return verifyPost(deps, r);
    case 'GET verify':
      return verifyGet(deps, r);
    case 'GET user':
      return getUser(deps, r);
    case 'PUT user':
      return updateUser(deps, r);
    case 'POST logout':
      return logout(deps, r);
    default:
      if (first === 'admin') return adminRoute(deps, r, rest);
      throw new AuthError(404, 'not_found', 'Not found');
  }
}

/** Handles one request below /auth/v1, answering errors in the 2024-01-01 shape with the version header. */
export async function handleAuth(
  deps: AuthDeps,
  req: IncomingMessage,
  path: string,
  search: string,
  body: Buffer,
  log: (text: string) => void,
): Promise<AuthResponse> {
  const versionHeader = { 'X-Supabase-Api-Version': API_VERSION };
  try {
    const query = parseForm(search);
    checkQuery(query);
    const request: AuthRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path,
      query,
      body: parseBody(body, header(req, 'content-type')),
      bearer: bearer(req),
      userAgent: header(req, 'user-agent') ?? null,
      ip: req.socket.remoteAddress ?? 'unknown',
      audience: header(req, 'x-jwt-aud') ?? null,
    };
    const response = await route(deps, request);
    return { ...response, headers: { ...versionHeader, ...response.headers } };
  } catch (error: unknown) {
    if (error instanceof AuthError)
      return { status: error.status, json: error.body(), headers: versionHeader };
    if (error instanceof DatabaseUnavailableError || isDatabaseUnavailable(error)) {
      // The database connection failed (a restart, pg_terminate_backend): retryable, unlike a 500; auth-js
      // treats a 503 as AuthRetryableFetchError and keeps the session. The pool reconnects for the next one.
      const failure = error instanceof DatabaseUnavailableError ? error.failure : error;
      log(`auth: database unavailable: ${failure instanceof Error ? failure.message : String(failure)}`);
      return {
        status: 503,
        json: { code: 'unexpected_failure', message: 'Database unavailable, please retry' },
        headers: { ...versionHeader, 'Retry-After': '1' },
      };
    }
    log(`auth error: ${error instanceof Error ? error.message : String(error)}`);
    return {
      status: 500,
      json: {
        code: 'unexpected_failure',
        message: 'Unexpected failure, please check server logs for more information',
      },
      headers: versionHeader,
    };
  }
}
