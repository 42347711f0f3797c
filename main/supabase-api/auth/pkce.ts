import { createHash, randomUUID } from 'node:crypto';

import type { Db } from '../db/retrying-db.js';

import { AuthError, validationFailed } from './auth-error.js';
import { str, type AuthDeps, type AuthRequest, type AuthResponse } from './auth-types.js';

/** How long a PKCE flow may take, from /authorize to the code exchange (GoTrue's FlowStateExpiryDuration). */
export const FLOW_STATE_TTL_S = 300;

/** The PKCE half of a request, when the client sent one. */
export interface PkceChallenge {
  readonly challenge: string;
  readonly method: 's256' | 'plain';
}

/** GoTrue's `validatePKCEParams`: both or neither, a known method, 43 to 128 characters. */
export function readPkceChallenge(challenge: string | null, method: string | null): PkceChallenge | null {
  if (!challenge && !method) return null;
  if (!challenge || !method)
    throw validationFailed('PKCE flow requires code_challenge_method and code_challenge');
  const m = method.toLowerCase();
  if (m !== 's256' && m !== 'plain') {
    throw validationFailed("unsupported code_challenge_method, supported methods are 'plain' and 's256'");
  }
  if (challenge.length < 43 || challenge.length > 128) {
    throw validationFailed('code challenge has to be between 43 and 128 characters');
  }
  return { challenge, method: m };
}

/** auth.flow_state rows: one per PKCE sign-in under way. */
export class FlowStates {
  constructor(private readonly db: Db) {}

  /** Starts a flow; returns its id (carried in the OAuth state) and the auth code the client will trade. */
  async create(provider: string, method: string, pkce: PkceChallenge): Promise<string> {
    const id = randomUUID();
    // Abandoned flows go as new ones start (GoTrue's cleanup does the same in the background).
    await this.db.query(`delete from auth.flow_state where created_at < now() - make_interval(secs => $1)`, [
      FLOW_STATE_TTL_S * 12,
    ]);
    await this.db.query(
      `insert into auth.flow_state (id, auth_code, code_challenge_method, code_challenge, provider_type,
         authentication_method, created_at, updated_at)
       values ($1, $2, $3::auth.code_challenge_method, $4, $5, $6, now(), now())`,
      [id, randomUUID(), pkce.method, pkce.challenge, provider, method],
    );
    return id;
  }

  /** Records who signed in and the provider's tokens; returns the auth code, or null for an unknown flow. */
  async complete(
    id: string,
    userId: string,
    providerToken: string,
    providerRefreshToken: string,
  ): Promise<string | null> {
    const { rows } = await this.db.query<{ auth_code: string }>(
      `update auth.flow_state set user_id = $2, provider_access_token = $3, provider_refresh_token = $4,
         auth_code_issued_at = now(), updated_at = now()
       where id = $1 and user_id is null returning auth_code`,
      [id, userId, providerToken, providerRefreshToken],
    );
    return rows[0]?.auth_code ?? null;
  }

  /**
   * Takes (deletes) the completed flow of an auth code when the verifier matches, with GoTrue's errors:
   * 404 flow_state_not_found, 422 flow_state_expired, 400 bad_code_verifier.
   */
  async redeem(
    authCode: string,
    verifier: string,
  ): Promise<{ userId: string; method: string; providerToken: string; providerRefreshToken: string }> {
    const taken = await this.db.transaction(async (client) => {
      const { rows } = await client.query<{
        id: string;
        user_id: string | null;
        code_challenge: string;
        code_challenge_method: string;
        authentication_method: string;
        provider_access_token: string | null;
        provider_refresh_token: string | null;
        expired: boolean;
      }>(
        `select id, user_id::text, code_challenge, code_challenge_method::text, authentication_method,
           provider_access_token, provider_refresh_token, created_at < now() - make_interval(secs => $2) as expired
         from auth.flow_state where auth_code = $1 for update`,
        [authCode, FLOW_STATE_TTL_S],
      );
      const flow = rows[0];
      if (!flow || flow.user_id === null) {
        throw new AuthError(404, 'flow_state_not_found', 'invalid flow state, no valid flow state found');
      }
      if (flow.expired) {
        // The expired flow goes (committed) and the client gets the error.
        await client.query('delete from auth.flow_state where id = $1', [flow.id]);
        return new AuthError(422, 'flow_state_expired', 'invalid flow state, flow state has expired');
      }
      const derived =
        flow.code_challenge_method === 's256'
          ? createHash('sha256').update(verifier).digest('base64url')
          : verifier;
      if (derived !== flow.code_challenge) {
        throw new AuthError(
          400,
          'bad_code_verifier',
          'code challenge does not match previously saved code verifier',
        );
      }
      await client.query('delete from auth.flow_state where id = $1', [flow.id]);
      return {
        userId: flow.user_id,
        method: flow.authentication_method,
        providerToken: flow.provider_access_token ?? '',
        providerRefreshToken: flow.provider_refresh_token ?? '',
      };
    });
    if (taken instanceof AuthError) throw taken;
    return taken;
  }
}

/** POST /token?grant_type=pkce {auth_code, code_verifier}: the session of a finished PKCE flow. */
export async function pkceGrant(deps: AuthDeps, req: AuthRequest): Promise<AuthResponse> {
  const authCode = str(req.body, 'auth_code') ?? '';
  const verifier = str(req.body, 'code_verifier') ?? '';
  if (authCode === '' || verifier === '') {
    throw validationFailed('invalid request: both auth code and code verifier should be non-empty');
  }
  const flow = await deps.flows.redeem(authCode, verifier);
  const user = await deps.users.byId(flow.userId);
  if (!user)
    throw new AuthError(404, 'flow_state_not_found', 'invalid flow state, no valid flow state found');
  if (user.banned_until && user.banned_until.getTime() > Date.now()) {
    throw new AuthError(400, 'user_banned', 'User is banned');
  }
  const session = await deps.sessions.create(user.id, flow.method, req.userAgent);
  const json = await deps.issuer.session((await deps.users.byId(user.id)) ?? user, session);
  return {
    status: 200,
    json: {
      ...json,
      ...(flow.providerToken ? { provider_token: flow.providerToken } : {}),
      ...(flow.providerRefreshToken ? { provider_refresh_token: flow.providerRefreshToken } : {}),
    },
  };
}
