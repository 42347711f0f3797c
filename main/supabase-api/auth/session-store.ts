import { randomBytes } from 'node:crypto';

import type pg from 'pg';

import type { Db } from '../db/retrying-db.js';

import { AuthError } from './auth-error.js';

/** Seconds a revoked refresh token may still be presented (GoTrue's reuse interval). */
export const REUSE_INTERVAL_S = 10;

/** A session and its current refresh token. */
export interface IssuedSession {
  readonly sessionId: string;
  readonly userId: string;
  readonly refreshToken: string;
  readonly amr: readonly { method: string; timestamp: number }[];
}

/** A new opaque refresh token: 22 characters of [a-z0-9] (GoTrue rejects tokens shorter than 12). */
export function newRefreshToken(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(22)].map((b) => alphabet[b % 36]).join('');
}

/** Sessions, AMR claims and refresh tokens in the `auth` schema, with GoTrue's rotation rules. */
export class SessionStore {
  constructor(private readonly db: Db) {}

  /** Starts a session for a user signed in by `method` (password, otp, ...), in one statement. */
  async create(userId: string, method: string, userAgent: string | null): Promise<IssuedSession> {
    const token = newRefreshToken();
    const { rows } = await this.db.query<{ id: string; ts: string }>(
      `with s as (
         insert into auth.sessions (id, user_id, created_at, updated_at, aal, refreshed_at, user_agent)
         values (gen_random_uuid(), $1, now(), now(), 'aal1', now(), $3) returning id),
       a as (insert into auth.mfa_amr_claims (session_id, created_at, updated_at, authentication_method, id)
         select s.id, now(), now(), $4, gen_random_uuid() from s),
       r as (insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, session_id)
         select '00000000-0000-0000-0000-000000000000', $2, $1::text, false, now(), now(), s.id from s),
       u as (update auth.users set last_sign_in_at = now() where id = $1)
       select s.id, extract(epoch from now())::int8::text as ts from s`,
      [userId, token, userAgent, method],
    );
    const row = rows[0]!;
    return { sessionId: row.id, userId, refreshToken: token, amr: [{ method, timestamp: Number(row.ts) }] };
  }

  private async amr(
    client: pg.ClientBase,
    sessionId: string,
  ): Promise<{ method: string; timestamp: number }[]> {
    const { rows } = await client.query<{ method: string; ts: string }>(
      `select authentication_method as method, extract(epoch from updated_at)::int8::text as ts
       from auth.mfa_amr_claims where session_id = $1 order by updated_at desc`,
      [sessionId],
    );
    return rows.map((r) => ({ method: r.method, timestamp: Number(r.ts) }));
  }

  /**
   * Rotates a refresh token: the presented token is revoked and a child issued in the same session.
   * A revoked token is answered with the session's active token when it is that token's parent or was
   * revoked less than REUSE_INTERVAL_S ago; any other reuse revokes the whole session.
   */
  async refresh(token: string): Promise<IssuedSession> {
    const rotated = await this.db.transaction(async (client) => {
      const found = await client.query<{
        revoked: boolean;
        recent: boolean;
        session_id: string | null;
        user_id: string | null;
        live: boolean;
      }>(
        `select r.revoked, r.updated_at > now() - make_interval(secs => $2) as recent, r.session_id,
           s.user_id::text as user_id, s.id is not null as live
         from auth.refresh_tokens r left join auth.sessions s on s.id = r.session_id
         where r.token = $1 for update of r`,
        [token, REUSE_INTERVAL_S],
      );
      const row = found.rows[0];
      if (!row)
        throw new AuthError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
      if (!row.live || row.session_id === null || row.user_id === null) {
        throw new AuthError(400, 'session_not_found', 'Invalid Refresh Token: No Valid Session Found');
      }
      let next: string;
      if (row.revoked) {
        const active = await client.query<{ token: string; parent: string | null }>(
          `select token, parent from auth.refresh_tokens where session_id = $1 and not revoked order by id desc limit 1`,
          [row.session_id],
        );
        const current = active.rows[0];
        if (!current || !(current.parent === token || row.recent)) {
          // The whole session is revoked (committed) and the client gets the error.
          await client.query('delete from auth.sessions where id = $1', [row.session_id]);
          return new AuthError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
        }
        next = current.token;
      } else {
        next = newRefreshToken();
        await client.query(
          `update auth.refresh_tokens set revoked = true, updated_at = now() where token = $1`,
          [token],
        );
        await client.query(
          `insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
           values ('00000000-0000-0000-0000-000000000000', $1, $2, false, now(), now(), $3, $4)`,
          [next, row.user_id, token, row.session_id],
        );
        await client.query(
          `update auth.sessions set refreshed_at = now(), updated_at = now() where id = $1`,
          [row.session_id],
        );
      }
      const amr = await this.amr(client, row.session_id);
      return { sessionId: row.session_id, userId: row.user_id, refreshToken: next, amr };
    });
    if (rotated instanceof AuthError) throw rotated;
    return rotated;
  }

  /** The user id of a refresh token's session, or null when the token or session is unknown. */
  async ownerOf(token: string): Promise<string | null> {
    const { rows } = await this.db.query<{ user_id: string }>(
      `select s.user_id::text as user_id from auth.refresh_tokens r join auth.sessions s on s.id = r.session_id
       where r.token = $1`,
      [token],
    );
    return rows[0]?.user_id ?? null;
  }

  /** Whether a session exists. */
  async exists(sessionId: string): Promise<boolean> {
    if (!/^[0-9a-f-]{36}$/i.test(sessionId)) return false;
    const { rowCount } = await this.db.query('select 1 from auth.sessions where id = $1', [sessionId]);
    return (rowCount ?? 0) > 0;
  }

  /** Ends sessions: `global` all of the user's, `local` this one, `others` all but this one. */
  async logout(
    userId: string,
    sessionId: string | null,
    scope: 'global' | 'local' | 'others',
  ): Promise<void> {
    if (scope === 'global') await this.db.query('delete from auth.sessions where user_id = $1', [userId]);
    else if (scope === 'local') await this.db.query('delete from auth.sessions where id = $1', [sessionId]);
    else
      await this.db.query('delete from auth.sessions where user_id = $1 and id is distinct from $2', [
        userId,
        sessionId,
      ]);
  }
}
