import { parseDuration } from '../config/auth-section.js';
import { AuthError } from './auth-error.js';
import { obj, str, type AuthDeps, type AuthRequest, type AuthResponse } from './auth-types.js';
import { checkEmail, checkPassword } from './input-checks.js';
import { issueCode, type LinkType } from './one-time-codes.js';
import { bearerClaims, mergeMetadata } from './user-routes.js';
import { userJson } from './user-json.js';

const ADMIN_ROLES = ['service_role', 'supabase_admin'];

async function requireAdmin(deps: AuthDeps, req: AuthRequest): Promise<void> {
  const claims = await bearerClaims(deps, req);
  if (typeof claims.role !== 'string' || !ADMIN_ROLES.includes(claims.role)) {
    throw new AuthError(403, 'not_admin', 'User not allowed');
  }
}

function notFound(): AuthError {
  return new AuthError(404, 'user_not_found', 'User not found');
}

/** `ban_duration`: a Go duration ("24h", "1h30m") from now, or "none" to lift a ban. */
function banUntil(duration: string | undefined): Date | null | undefined {
  if (duration === undefined) return undefined;
  if (duration === 'none') return null;
  let seconds: number;
  try {
    seconds = /^\d+(\.\d+)?$/.test(duration) ? NaN : parseDuration(duration);
  } catch {
    seconds = NaN;
  }
  if (!Number.isFinite(seconds))
    throw new AuthError(400, 'validation_failed', 'invalid format for ban duration');
  return new Date(Date.now() + seconds * 1000);
}

/** The /admin/* routes of the service role: users (list, create, read, update, delete) and generate_link. */
export async function adminRoute(
  deps: AuthDeps,
  req: AuthRequest,
  rest: readonly string[],
): Promise<AuthResponse> {
  await requireAdmin(deps, req);
  const [kind, id] = rest;
  if (kind === 'users' && id === undefined && req.method === 'GET') {
    const page = Math.max(1, Number(req.query.get('page') ?? '1') || 1);
    const perPage = Math.min(1000, Math.max(1, Number(req.query.get('per_page') ?? '50') || 50));
    const { users, total } = await deps.users.list(page, perPage);
    const last = Math.max(1, Math.ceil(total / perPage));
    const link = `</admin/users?page=${last}&per_page=${perPage}>; rel="last"`;
    return {
      status: 200,
      json: { users: users.map(userJson), aud: 'authenticated' },
      headers: { 'X-Total-Count': String(total), Link: link },
    };
  }
  if (kind === 'users' && id === undefined && req.method === 'POST') {
    const email = checkEmail(str(req.body, 'email') ?? '');
    if (await deps.users.byEmail(email))
      throw new AuthError(422, 'email_exists', 'A user with this email address has already been registered');
    const password = str(req.body, 'password');
    if (password !== undefined) checkPassword(password, deps.config.minimumPasswordLength);
    const encryptedPassword = password ? await deps.hasher.hash(password) : '';
    const user = await deps.users.create({
      email,
      encryptedPassword,
      confirmed: req.body.email_confirm === true,
      userMetadata: obj(req.body, 'user_metadata') ?? {},
      appMetadata: { provider: 'email', providers: ['email'], ...(obj(req.body, 'app_metadata') ?? {}) },
      ...(str(req.body, 'role') ? { role: str(req.body, 'role')! } : {}),
    });
    return { status: 200, json: userJson(user) };
  }
  if (kind === 'users' && id !== undefined) {
    const user = await deps.users.byId(id);
    if (!user) throw notFound();
    if (req.method === 'GET') return { status: 200, json: userJson(user) };
    if (req.method === 'DELETE') {
      await deps.users.delete(id);
      return { status: 200, json: {} };
    }
    if (req.method === 'PUT') {
      const password = str(req.body, 'password');
      if (password) checkPassword(password, deps.config.minimumPasswordLength);
      const userMeta = obj(req.body, 'user_metadata');
      const appMeta = obj(req.body, 'app_metadata');
      const email = str(req.body, 'email');
      const bannedUntil = banUntil(str(req.body, 'ban_duration'));
      const updated = await deps.users.update(id, {
        ...(email ? { email: checkEmail(email) } : {}),
        ...(password ? { encryptedPassword: await deps.hasher.hash(password) } : {}),
        ...(userMeta ? { userMetadata: mergeMetadata(user.raw_user_meta_data, userMeta) } : {}),
        ...(appMeta ? { appMetadata: mergeMetadata(user.raw_app_meta_data, appMeta) } : {}),
        ...(req.body.email_confirm === true ? { confirm: true } : {}),
        ...(bannedUntil !== undefined ? { bannedUntil } : {}),
      });
      // A banned user's sessions end: no refresh token of theirs works any more.
      if (bannedUntil) await deps.sessions.logout(id, null, 'global');
      return { status: 200, json: userJson(updated) };
    }
  }
  if (kind === 'generate_link' && req.method === 'POST') {
    const type = str(req.body, 'type') ?? 'magiclink';
    if (!['magiclink', 'signup', 'recovery'].includes(type)) {
      throw new AuthError(400, 'validation_failed', `Unsupported link type "${type}"`);
    }
    const email = checkEmail(str(req.body, 'email') ?? '');
    let user = await deps.users.byEmail(email);
    if (!user) {
      if (type !== 'signup') throw notFound();
      const password = str(req.body, 'password') ?? '';
      user = await deps.users.create({
        email,
        encryptedPassword: password ? await deps.hasher.hash(password) : '',
        confirmed: false,
        userMetadata: obj(req.body, 'data') ?? {},
      });
    }
    const code = await issueCode(deps, user, type as LinkType, str(req.body, 'redirect_to'));
    const fresh = (await deps.users.byId(user.id)) ?? user;
    return {
      status: 200,
      json: {
        ...userJson(fresh),
        action_link: code.link,
        email_otp: code.otp,
        hashed_token: code.hash,
        redirect_to: code.redirect,
        verification_type: type,
      },
    };
  }
  throw new AuthError(404, 'not_found', 'Not found');
}
