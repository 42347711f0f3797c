import { randomBytes } from 'node:crypto';

import { AuthError, invalidCredentials, validationFailed } from './auth-error.js';
import { obj, str, type AuthDeps, type AuthRequest, type AuthResponse } from './auth-types.js';
import { checkEmail, checkPassword, unstorablePassword } from './input-checks.js';
import {
  checkCanMail,
  consumeCode,
  issueCode,
  mailCode,
  tokenHash,
  type LinkType,
} from './one-time-codes.js';
import { pkceGrant } from './pkce.js';
import { AuthLimiters } from './rate-limits.js';
import { allowedRedirect } from './redirect-urls.js';
import type { UserRow } from './user-json.js';

/** The audience a request asks for: `X-JWT-AUD`, else GoTrue's default `authenticated`. */
export function requestAudience(req: AuthRequest): string {
  return req.audience ?? 'authenticated';
}

/** Whether a user is banned now. */
export function isBanned(user: UserRow): boolean {
  return user.banned_until !== null && user.banned_until.getTime() > Date.now();
}

/** A new session for a user signed in by `method`, as the Session JSON. */
export async function sessionFor(
  deps: AuthDeps,
  req: AuthRequest,
  user: UserRow,
  method: string,
): Promise<AuthResponse> {
  const session = await deps.sessions.create(user.id, method, req.userAgent);
  const fresh = (await deps.users.byId(user.id)) ?? user;
  return { status: 200, json: await deps.issuer.session(fresh, session) };
}

/** 422 signup_disabled / email_provider_disabled when config.toml turns sign-ups off. */
function checkSignupsAllowed(deps: AuthDeps): void {
  if (!deps.config.enableSignup)
    throw new AuthError(422, 'signup_disabled', 'Signups not allowed for this instance');
  if (!deps.config.email.enableSignup)
    throw new AuthError(422, 'email_provider_disabled', 'Email signups are disabled');
}

/** POST /signup: creates a confirmed user (mailer_autoconfirm) and signs it in. */
export async function signUp(deps: AuthDeps, req: AuthRequest): Promise<AuthResponse> {
  const rawEmail = str(req.body, 'email');
  if (rawEmail === undefined || rawEmail === '') {
    if (str(req.body, 'phone'))
      throw new AuthError(422, 'phone_provider_disabled', 'Phone signups are disabled');
    throw new AuthError(422, 'anonymous_provider_disabled', 'Anonymous sign-ins are disabled');
  }
  AuthLimiters.check(deps.limits.signups, req.ip);
  checkSignupsAllowed(deps);
  const email = checkEmail(rawEmail);
  const password = str(req.body, 'password');
  if (!password) throw validationFailed('Signup requires a valid password');
  checkPassword(password, deps.config.minimumPasswordLength);
  const data = obj(req.body, 'data') ?? {};
  const existing = await deps.users.byEmail(email);
  if (existing?.email_confirmed_at)
    throw new AuthError(422, 'user_already_exists', 'User already registered');
  const encryptedPassword = await deps.hasher.hash(password);
  const user = existing
    ? await deps.users.update(existing.id, {
        encryptedPassword,
        userMetadata: { ...data, email_verified: true },
        confirm: true,
      })
    : await deps.users.create({
        email,
        encryptedPassword,
        confirmed: true,
        userMetadata: { ...data, email_verified: true },
      });
  return sessionFor(deps, req, user, 'password');
}

async function passwordGrant(deps: AuthDeps, req: AuthRequest): Promise<AuthResponse> {
  const email = str(req.body, 'email');
  const phone = str(req.body, 'phone');
  if (email && phone)
    throw validationFailed('Only an email address or phone number should be provided on login.');
  if (!email && !phone) throw validationFailed('missing email or phone');
  const password = str(req.body, 'password') ?? '';
  const user = email ? await deps.users.byEmail(email) : null;
  if (!user || user.aud !== requestAudience(req) || !user.encrypted_password) throw invalidCredentials();
  if (isBanned(user)) throw new AuthError(400, 'user_banned', 'User is banned');
  // bcrypt reads 72 bytes: a longer password could only "match" by sharing a stored password's prefix.
  if (unstorablePassword(password) || !(await deps.hasher.verify(password, user.encrypted_password))) {
    throw invalidCredentials();
  }
  if (!user.email_confirmed_at) throw new AuthError(400, 'email_not_confirmed', 'Email not confirmed');
  return sessionFor(deps, req, user, 'password');
}

async function refreshGrant(deps: AuthDeps, req: AuthRequest): Promise<AuthResponse> {
  const refresh = str(req.body, 'refresh_token');
  if (!refresh)
    return { status: 400, json: { error: 'invalid_request', error_description: 'refresh_token required' } };
  if (refresh.length < 12 || refresh.length > 255) throw validationFailed('Refresh token is not valid');
  const owner = await deps.sessions.ownerOf(refresh);
  const banned = owner ? await deps.users.byId(owner) : null;
  if (banned && isBanned(banned)) throw new AuthError(400, 'user_banned', 'User is banned');
  const session = await deps.sessions.refresh(refresh);
  const user = await deps.users.byId(session.userId);
  if (!user) throw new AuthError(400, 'session_not_found', 'Invalid Refresh Token: No Valid Session Found');
  return { status: 200, json: await deps.issuer.session(user, session) };
}

/** POST /token?grant_type=password|refresh_token|pkce, all under the `token_refresh` rate limit. */
export async function token(deps: AuthDeps, req: AuthRequest): Promise<AuthResponse> {
  const grant = req.query.get('grant_type');
  const grants: Record<string, (deps: AuthDeps, req: AuthRequest) => Promise<AuthResponse>> = {
    password: passwordGrant,
    refresh_token: refreshGrant,
    pkce: pkceGrant,
  };
  const handler = grant !== null && Object.hasOwn(grants, grant) ? grants[grant] : undefined;
  if (!handler) throw new AuthError(400, 'invalid_credentials', 'unsupported_grant_type');
  AuthLimiters.check(deps.limits.token, req.ip);
  return handler(deps, req);
}

/** POST /otp and POST /magiclink: mails a code and link (sign-up confirmation for new users). */
export async function otp(
  deps: AuthDeps,
  req: AuthRequest,
  route: 'otp' | 'magiclink',
): Promise<AuthResponse> {
  AuthLimiters.check(route === 'otp' ? deps.limits.otp : deps.limits.magicLink, req.ip);
  const rawEmail = str(req.body, 'email');
  if (!rawEmail) {
    if (str(req.body, 'phone'))
      throw new AuthError(422, 'phone_provider_disabled', 'Unsupported phone provider');
    throw validationFailed('An email address or phone number is required');
  }
  const email = checkEmail(rawEmail);
  let user = await deps.users.byEmail(email);
  let type: LinkType = 'magiclink';
  if (!user || !user.email_confirmed_at) {
    if (req.body.create_user === false)
      throw new AuthError(422, 'otp_disabled', 'Signups not allowed for otp');
    type = 'signup';
    if (!user) {
      checkSignupsAllowed(deps);
      const encryptedPassword = await deps.hasher.hash(randomBytes(24).toString('base64url'));
      const data = obj(req.body, 'data') ?? {};
      user = await deps.users.create({ email, encryptedPassword, confirmed: false, userMetadata: data });
    }
  }
  checkCanMail(deps, user, type);
  const code = await issueCode(deps, user, type, req.query.get('redirect_to'));
  mailCode(deps, email, type, code);
  return { status: 200, json: {} };
}

/** POST /recover: mails a password-recovery link and code. */
export async function recover(deps: AuthDeps, req: AuthRequest): Promise<AuthResponse> {
  AuthLimiters.check(deps.limits.recover, req.ip);
  const email = checkEmail(str(req.body, 'email') ?? '');
  const user = await deps.users.byEmail(email);
  // As GoTrue: the answer does not reveal whether the address is registered.
  if (user) {
    checkCanMail(deps, user, 'recovery');
    mailCode(deps, email, 'recovery', await issueCode(deps, user, 'recovery', req.query.get('redirect_to')));
  }
  return { status: 200, json: {} };
}

const VERIFY_TYPES = ['email', 'magiclink', 'signup', 'recovery', 'invite', 'email_change'];

/** POST /verify with {email, token, type} or {token_hash, type}: returns a session. */
export async function verifyPost(deps: AuthDeps, req: AuthRequest): Promise<AuthResponse> {
  AuthLimiters.check(deps.limits.verify, req.ip);
  const type = str(req.body, 'type');
  if (!type) throw validationFailed('Verify requires a verification type');
  if (!VERIFY_TYPES.includes(type)) throw validationFailed(`Unsupported verification type "${type}"`);
  const code = str(req.body, 'token');
  const hash = str(req.body, 'token_hash');
  if ((code === undefined) === (hash === undefined))
    throw validationFailed('Verify requires either a token or a token hash');
  let user: UserRow;
  if (code !== undefined) {
    const email = str(req.body, 'email');
    if (!email) throw validationFailed('Only an email address or phone number should be provided on verify');
    const normalized = checkEmail(email);
    user = await consumeCode(
      deps,
      tokenHash(normalized, code.trim()),
      normalized,
      'Token has expired or is invalid',
    );
  } else {
    user = await consumeCode(deps, hash ?? '', null, 'Email link is invalid or has expired');
  }
  return sessionFor(deps, req, user, 'otp');
}

/** A 303 to `target` with an error in the fragment, as GoTrue's `prepErrorRedirectURL`. */
export function errorRedirect(target: string, error: AuthError): AuthResponse {
  const fragment = new URLSearchParams({
    error:
      error.status === 403
        ? 'access_denied'
        : error.status === 401
          ? 'unauthorized_client'
          : error.status >= 500
            ? 'server_error'
            : 'invalid_request',
    error_code: error.code,
    error_description: error.message,
    sb: '',
  });
  return { status: 303, headers: { Location: `${target.split('#', 1)[0]}#${fragment.toString()}` } };
}

/** GET /verify?token=&type=&redirect_to=: 303 to the redirect with the session (or error) in the fragment. */
export async function verifyGet(deps: AuthDeps, req: AuthRequest): Promise<AuthResponse> {
  // As GoTrue's middleware: over the limit is a 429 answer, not a redirect.
  AuthLimiters.check(deps.limits.verify, req.ip);
  const target = allowedRedirect(deps.redirects, req.query.get('redirect_to'));
  const type = req.query.get('type') ?? 'magiclink';
  try {
    const user = await consumeCode(
      deps,
      req.query.get('token') ?? '',
      null,
      'Email link is invalid or has expired',
    );
    const session = await sessionFor(deps, req, user, 'otp');
    const s = session.json as Record<string, string | number>;
    const fragment = new URLSearchParams({
      access_token: String(s.access_token),
      expires_at: String(s.expires_at),
      expires_in: String(s.expires_in),
      refresh_token: String(s.refresh_token),
      sb: '',
      token_type: 'bearer',
      type,
    });
    return { status: 303, headers: { Location: `${target}#${fragment.toString()}` } };
  } catch (error: unknown) {
    if (!(error instanceof AuthError)) throw error;
    return errorRedirect(target, error);
  }
}
