import { randomBytes } from 'node:crypto';

import { AuthError, invalidCredentials, validationFailed } from './auth-error.js';
import { obj, str, type AuthDeps, type AuthRequest, type AuthResponse } from './auth-types.js';
import {
  allowedRedirect,
  consumeCode,
  issueCode,
  mailCode,
  tokenHash,
  type LinkType,
} from './one-time-codes.js';
import type { UserRow } from './user-json.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MIN_PASSWORD = 6;

/** Lower-cased, validated e-mail of a body (400 validation_failed when malformed). */
export function checkEmail(email: string): string {
  if (!EMAIL.test(email) || email.length > 255)
    throw validationFailed('Unable to validate email address: invalid format');
  return email.toLowerCase();
}

/** 422 weak_password unless the password is long enough. */
export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD) {
    throw new AuthError(422, 'weak_password', `Password should be at least ${MIN_PASSWORD} characters.`, {
      weak_password: { reasons: ['length'] },
    });
  }
}

async function sessionFor(
  deps: AuthDeps,
  req: AuthRequest,
  user: UserRow,
  method: string,
): Promise<AuthResponse> {
  const session = await deps.sessions.create(user.id, method, req.userAgent);
  const fresh = (await deps.users.byId(user.id)) ?? user;
  return { status: 200, json: await deps.issuer.session(fresh, session) };
}

function checkBanned(user: UserRow): void {
  if (user.banned_until && user.banned_until.getTime() > Date.now())
    throw new AuthError(400, 'user_banned', 'User is banned');
}

/** POST /signup: creates a confirmed user (mailer_autoconfirm) and signs it in. */
export async function signUp(deps: AuthDeps, req: AuthRequest): Promise<AuthResponse> {
  const rawEmail = str(req.body, 'email');
  if (rawEmail === undefined || rawEmail === '') {
    if (str(req.body, 'phone'))
      throw new AuthError(422, 'phone_provider_disabled', 'Phone signups are disabled');
    throw new AuthError(422, 'anonymous_provider_disabled', 'Anonymous sign-ins are disabled');
  }
  const email = checkEmail(rawEmail);
  const password = str(req.body, 'password');
  if (!password) throw validationFailed('Signup requires a valid password');
  checkPassword(password);
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

/** POST /token?grant_type=password|refresh_token. */
export async function token(deps: AuthDeps, req: AuthRequest): Promise<AuthResponse> {
  const grant = req.query.get('grant_type');
  if (grant === 'password') {
    const email = str(req.body, 'email');
    const phone = str(req.body, 'phone');
    if (email && phone)
      throw validationFailed('Only an email address or phone number should be provided on login.');
    if (!email && !phone) throw validationFailed('missing email or phone');
    const password = str(req.body, 'password') ?? '';
    const user = email ? await deps.users.byEmail(email) : null;
    if (!user || !(await deps.hasher.verify(password, user.encrypted_password))) throw invalidCredentials();
    if (!user.email_confirmed_at) throw new AuthError(400, 'email_not_confirmed', 'Email not confirmed');
    checkBanned(user);
    return sessionFor(deps, req, user, 'password');
  }
  if (grant === 'refresh_token') {
    const refresh = str(req.body, 'refresh_token');
    if (!refresh)
      return { status: 400, json: { error: 'invalid_request', error_description: 'refresh_token required' } };
    if (refresh.length < 12 || refresh.length > 255) throw validationFailed('Refresh token is not valid');
    const session = await deps.sessions.refresh(refresh);
    const user = await deps.users.byId(session.userId);
    if (!user) throw new AuthError(400, 'session_not_found', 'Invalid Refresh Token: No Valid Session Found');
    checkBanned(user);
    return { status: 200, json: await deps.issuer.session(user, session) };
  }
  throw new AuthError(400, 'invalid_credentials', 'unsupported_grant_type');
}

/** POST /otp and POST /magiclink: mails a code and link (sign-up confirmation for new users). */
export async function otp(deps: AuthDeps, req: AuthRequest): Promise<AuthResponse> {
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
      const encryptedPassword = await deps.hasher.hash(randomBytes(24).toString('base64url'));
      const data = obj(req.body, 'data') ?? {};
      user = await deps.users.create({ email, encryptedPassword, confirmed: false, userMetadata: data });
    }
  }
  const code = await issueCode(deps, user, type, req.query.get('redirect_to'));
  mailCode(deps, email, type, code);
  return { status: 200, json: {} };
}

/** POST /recover: mails a password-recovery link and code. */
export async function recover(deps: AuthDeps, req: AuthRequest): Promise<AuthResponse> {
  const email = checkEmail(str(req.body, 'email') ?? '');
  const user = await deps.users.byEmail(email);
  // As GoTrue: the answer does not reveal whether the address is registered.
  if (user)
    mailCode(deps, email, 'recovery', await issueCode(deps, user, 'recovery', req.query.get('redirect_to')));
  return { status: 200, json: {} };
}

const VERIFY_TYPES = ['email', 'magiclink', 'signup', 'recovery', 'invite', 'email_change'];

/** POST /verify with {email, token, type} or {token_hash, type}: returns a session. */
export async function verifyPost(deps: AuthDeps, req: AuthRequest): Promise<AuthResponse> {
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
    user = await consumeCode(deps, tokenHash(email, code.trim()), email, 'Token has expired or is invalid');
  } else {
    user = await consumeCode(deps, hash ?? '', null, 'Email link is invalid or has expired');
  }
  return sessionFor(deps, req, user, 'otp');
}

/** GET /verify?token=&type=&redirect_to=: 303 to the redirect with the session (or error) in the fragment. */
export async function verifyGet(deps: AuthDeps, req: AuthRequest): Promise<AuthResponse> {
  const target = allowedRedirect(deps, req.query.get('redirect_to'));
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
    const fragment = new URLSearchParams({
      error: error.status === 403 ? 'access_denied' : 'invalid_request',
      error_code: error.code,
      error_description: error.message,
      sb: '',
    });
    return { status: 303, headers: { Location: `${target}#${fragment.toString()}` } };
  }
}
