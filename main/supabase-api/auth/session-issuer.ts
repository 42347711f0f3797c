import type { JwtCodec } from '../http/jwt.js';
import type { IssuedSession } from './session-store.js';
import { userJson, type UserRow } from './user-json.js';

/** Lifetime of access tokens, as `[auth] jwt_expiry` in supabase/config.toml. */
export const ACCESS_TOKEN_TTL_S = 3600;

/** Signs access tokens with GoTrue's claims and builds the Session JSON (`AccessTokenResponse`). */
export class SessionIssuer {
  constructor(
    private readonly jwt: JwtCodec,
    private readonly issuer: string,
  ) {}

  /** The access token of a session for a user. */
  accessToken(user: UserRow, session: IssuedSession, now: number): Promise<string> {
    return this.jwt.sign({
      iss: this.issuer,
      sub: user.id,
      aud: user.aud ?? 'authenticated',
      exp: now + ACCESS_TOKEN_TTL_S,
      iat: now,
      email: user.email ?? '',
      phone: user.phone ?? '',
      app_metadata: user.raw_app_meta_data ?? {},
      user_metadata: user.raw_user_meta_data ?? {},
      role: user.role ?? 'authenticated',
      aal: 'aal1',
      amr: session.amr,
      session_id: session.sessionId,
      is_anonymous: user.is_anonymous,
    });
  }

  /** The Session JSON for a user and session. */
  async session(user: UserRow, session: IssuedSession): Promise<Record<string, unknown>> {
    const now = Math.floor(Date.now() / 1000);
    return {
      access_token: await this.accessToken(user, session, now),
      token_type: 'bearer',
      expires_in: ACCESS_TOKEN_TTL_S,
      expires_at: now + ACCESS_TOKEN_TTL_S,
      refresh_token: session.refreshToken,
      user: userJson(user),
    };
  }
}
