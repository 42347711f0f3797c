import type { JwtCodec } from '../http/jwt.js';
import type { IssuedSession } from './session-store.js';
import { userJson, type UserRow } from './user-json.js';

/** Default lifetime of access tokens (`[auth] jwt_expiry` of the Supabase CLI). */
export const ACCESS_TOKEN_TTL_S = 3600;

/** Signs access tokens with GoTrue's claims and builds the Session JSON (`AccessTokenResponse`). */
export class SessionIssuer {
  constructor(
    private readonly jwt: JwtCodec,
    private readonly issuer: string,
    private readonly ttl: number = ACCESS_TOKEN_TTL_S,
  ) {}

  /** The access token of a session for a user. */
  accessToken(user: UserRow, session: IssuedSession, now: number): Promise<string> {
    return this.jwt.sign({
      iss: this.issuer,
      sub: user.id,
      aud: user.aud ?? 'authenticated',
      exp: now + this.ttl,
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
      expires_in: this.ttl,
      expires_at: now + this.ttl,
      refresh_token: session.refreshToken,
      user: userJson(user),
    };
  }
}
