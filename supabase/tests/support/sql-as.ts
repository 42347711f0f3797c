// Runs SQL the way the REST API does: one transaction per request, with the request's role and JWT claims
// set transaction-locally, so that RLS policies and auth.uid() see exactly what they will see in production.
import type pg from 'pg';

/** A seeded user (see supabase/seed.sql). */
export interface SeedUser {
  readonly id: string;
  readonly email: string;
}

export const ACCOUNTS: SeedUser = {
  id: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
  email: 'accounts@estuary.dev',
};
export const ALICE: SeedUser = { id: '11111111-1111-1111-1111-111111111111', email: 'alice@example.com' };
export const BOB: SeedUser = { id: '22222222-2222-2222-2222-222222222222', email: 'bob@example.com' };
export const CAROL: SeedUser = { id: '33333333-3333-3333-3333-333333333333', email: 'carol@example.com' };

/** Who makes a request: the anonymous API key, the service key, or a signed-in user. */
export type Actor = 'anon' | 'service_role' | SeedUser;

export interface AsOptions {
  /** Roll the transaction back instead of committing (keeps shared fixtures unchanged). */
  readonly rollback?: boolean;
  /** Runs first in the same transaction, still as postgres: fixtures that exist only for this request. */
  readonly prepare?: (client: pg.PoolClient) => Promise<unknown>;
}

function roleAndClaims(actor: Actor): { role: string; claims: Record<string, string> } {
  if (actor === 'anon') return { role: 'anon', claims: { role: 'anon' } };
  if (actor === 'service_role') return { role: 'service_role', claims: { role: 'service_role' } };
  return { role: 'authenticated', claims: { sub: actor.id, role: 'authenticated', email: actor.email } };
}

/**
 * Runs `work` in a transaction as `actor` on a connection of `pool` (which connects as `postgres`, a member
 * of anon, authenticated and service_role). Commits unless `rollback` is set or `work` throws.
 */
export async function as<T>(
  pool: pg.Pool,
  actor: Actor,
  work: (client: pg.PoolClient) => Promise<T>,
  options: AsOptions = {},
): Promise<T> {
  const { role, claims } = roleAndClaims(actor);
  const client = await pool.connect();
  try {
    await client.query('begin');
    if (options.prepare) await options.prepare(client);
    // `set local role` cannot take a parameter; the role is one of three literals above.
    await client.query(`set local role ${client.escapeIdentifier(role)}`);
    await client.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claims)]);
    const result = await work(client);
    await client.query(options.rollback ? 'rollback' : 'commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** One statement as `actor`, committed; returns its rows. */
export async function sqlAs<R extends pg.QueryResultRow = Record<string, unknown>>(
  pool: pg.Pool,
  actor: Actor,
  text: string,
  params: unknown[] = [],
  options: AsOptions = {},
): Promise<R[]> {
  return as(pool, actor, async (client) => (await client.query<R>(text, params)).rows, options);
}

/** Like sqlAs, but always rolled back: for probing what a write would do without changing fixtures. */
export function tryAs<R extends pg.QueryResultRow = Record<string, unknown>>(
  pool: pg.Pool,
  actor: Actor,
  text: string,
  params: unknown[] = [],
): Promise<R[]> {
  return sqlAs<R>(pool, actor, text, params, { rollback: true });
}
