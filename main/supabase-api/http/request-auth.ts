import type { IncomingMessage } from 'node:http';

import type { JWTPayload } from 'jose';

import { header } from './http-io.js';
import { JwtError, type JwtCodec } from './jwt.js';

/** The database roles a request may act as; any other `role` claim is refused. */
export const API_ROLES = ['anon', 'authenticated', 'service_role'] as const;

/** Who a request acts as: the database role and the JWT claims (with `role` set). */
export interface RequestIdentity {
  readonly role: string;
  readonly claims: JWTPayload;
  /** The claims as JSON, for `request.jwt.claims`. */
  readonly claimsJson: string;
}

const ANON: RequestIdentity = { role: 'anon', claims: { role: 'anon' }, claimsJson: '{"role":"anon"}' };

// The identity derived from verified claims, for as long as the codec keeps serving the same claims object.
const identities = new WeakMap<JWTPayload, RequestIdentity | { readonly badRole: string }>();

function identityOf(claims: JWTPayload): RequestIdentity | { readonly badRole: string } {
  let found = identities.get(claims);
  if (!found) {
    const role = typeof claims.role === 'string' && claims.role !== '' ? claims.role : 'anon';
    if ((API_ROLES as readonly string[]).includes(role)) {
      const withRole = { ...claims, role };
      found = { role, claims: withRole, claimsJson: JSON.stringify(withRole) };
    } else {
      found = { badRole: role };
    }
    identities.set(claims, found);
  }
  return found;
}

/** A refused token (401 PGRST301 on REST), or a role claim the authenticator cannot take. */
export type IdentityResult =
  | { readonly ok: true; readonly identity: RequestIdentity }
  | { readonly ok: false; readonly error: JwtError }
  | { readonly ok: false; readonly badRole: string };

/**
 * The bearer token of a request after the Supabase gateway's mapping: the Authorization header when it holds
 * a JWT, else the `apikey` header (the legacy keys are JWTs whose role claim is the key's role).
 */
export function bearerToken(req: IncomingMessage): string | null {
  const auth = header(req, 'authorization');
  if (auth !== undefined) {
    const match = /^bearer\s*(.*)$/is.exec(auth.trim());
    if (match && !match[1]!.startsWith('sb_')) return match[1]!.trim();
  }
  const apikey = header(req, 'apikey');
  return apikey !== undefined && apikey !== '' && !apikey.startsWith('sb_') ? apikey : null;
}

/** Verifies the request's token and derives its role; no token means `anon`. */
export async function identify(req: IncomingMessage, jwt: JwtCodec): Promise<IdentityResult> {
  const token = bearerToken(req);
  if (token === null) return { ok: true, identity: ANON };
  let claims: JWTPayload;
  try {
    claims = await jwt.verify(token);
  } catch (error: unknown) {
    if (error instanceof JwtError) return { ok: false, error };
    throw error;
  }
  const identity = identityOf(claims);
  if ('badRole' in identity) return { ok: false, badRole: identity.badRole };
  // A user's token must expire: Auth issues every one with `exp`, so one without was made elsewhere with the
  // secret and would never stop working.
  if (identity.role === 'authenticated' && typeof claims.exp !== 'number') {
    return { ok: false, error: new JwtError("The JWT 'exp' claim must be a number", 'claims') };
  }
  return { ok: true, identity };
}
