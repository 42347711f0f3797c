import type { JWTPayload } from 'jose';

import { JwtError } from '../http/jwt.js';
import { AuthError, validationFailed } from './auth-error.js';
import { obj, str, type AuthDeps, type AuthRequest, type AuthResponse } from './auth-types.js';
import { AuthLimiters } from './rate-limits.js';
import { checkEmail, checkPassword } from './input-checks.js';
import { isBanned } from './sign-in-routes.js';
import { userJson, type UserRow } from './user-json.js';

/** The verified claims of the request's bearer token, with GoTrue's 401/403 errors. */
export async function bearerClaims(deps: AuthDeps, req: AuthRequest): Promise<JWTPayload> {
  if (!req.bearer)
    throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
  try {
    return await deps.jwt.verify(req.bearer);
  } catch (error: unknown) {
    if (!(error instanceof JwtError)) throw error;
    throw new AuthError(403, 'bad_jwt', `invalid JWT: unable to parse or verify signature, ${error.message}`);
  }
}

/**
 * The signed-in user and session of a request. Refused: a token without `exp` (a user's token must expire),
 * one whose `aud` is not the audience the request asks for (`X-JWT-AUD`; GoTrue's 400 unexpected_audience),
 * a user or session that no longer exists, and a banned user still holding a token from before the ban.
 */
export async function currentUser(
  deps: AuthDeps,
  req: AuthRequest,
): Promise<{ user: UserRow; sessionId: string | null }> {
  const claims = await bearerClaims(deps, req);
  if (typeof claims.exp !== 'number') {
    throw new AuthError(
      403,
      'bad_jwt',
      'invalid JWT: unable to parse or verify signature, token has invalid claims: token is missing required claim: exp claim is required',
    );
  }
  const tokenAud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
  if (!tokenAud || (req.audience ?? tokenAud) !== tokenAud) {
    throw new AuthError(400, 'unexpected_audience', "Token audience doesn't match request audience");
  }
  const user = typeof claims.sub === 'string' ? await deps.users.byId(claims.sub) : null;
  if (!user) throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
  if (isBanned(user)) throw new AuthError(403, 'user_banned', 'User is banned');
  const sessionId = typeof claims.session_id === 'string' ? claims.session_id : null;
  if (sessionId !== null && !(await deps.sessions.exists(sessionId))) {
    throw new AuthError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
  }
  return { user, sessionId };
}

/** GET /user. */
export async function getUser(deps: AuthDeps, req: AuthRequest): Promise<AuthResponse> {
  const { user } = await currentUser(deps, req);
  return { status: 200, json: userJson(user) };
}

/** Merges metadata key by key; a null value deletes the key. */
export function mergeMetadata(
  current: Record<string, unknown> | null,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** PUT /user: e-mail, password and user metadata; a new password ends the user's other sessions. */
export async function updateUser(deps: AuthDeps, req: AuthRequest): Promise<AuthResponse> {
  AuthLimiters.check(deps.limits.user, req.ip);
  const { user, sessionId } = await currentUser(deps, req);
  const email = str(req.body, 'email');
  const password = str(req.body, 'password');
  const data = obj(req.body, 'data');
  const changes: Parameters<AuthDeps['users']['update']>[1] = {};
  if (email !== undefined && email !== '' && email.toLowerCase() !== user.email) {
    const normalized = checkEmail(email);
    if (await deps.users.byEmail(normalized))
      throw new AuthError(422, 'email_exists', 'A user with this email address has already been registered');
    changes.email = normalized;
  }
  if (password !== undefined && password !== '') {
    checkPassword(password, deps.config.minimumPasswordLength);
    if (await deps.hasher.verify(password, user.encrypted_password)) {
      throw new AuthError(422, 'same_password', 'New password should be different from the old password.');
    }
    changes.encryptedPassword = await deps.hasher.hash(password);
  }
  if (data) changes.userMetadata = mergeMetadata(user.raw_user_meta_data, data);
  const updated = await deps.users.update(user.id, changes);
  if (changes.encryptedPassword) await deps.sessions.logout(user.id, sessionId, 'others');
  return { status: 200, json: userJson(updated) };
}

/** POST /logout?scope=global|local|others: deletes sessions; 204. */
export async function logout(deps: AuthDeps, req: AuthRequest): Promise<AuthResponse> {
  const scope = req.query.get('scope') ?? 'global';
  if (scope !== 'global' && scope !== 'local' && scope !== 'others')
    throw validationFailed(`Unsupported logout scope "${scope}"`);
  const claims = await bearerClaims(deps, req);
  if (typeof claims.sub !== 'string')
    throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
  const sessionId = typeof claims.session_id === 'string' ? claims.session_id : null;
  await deps.sessions.logout(claims.sub, sessionId, scope);
  return { status: 204 };
}
