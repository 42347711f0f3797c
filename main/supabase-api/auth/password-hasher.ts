import type { Db } from '../db/retrying-db.js';

/** Cost of new bcrypt hashes, as Supabase Auth uses. */
export const BCRYPT_COST = 10;

/**
 * Hashes and checks passwords with pgcrypto's bcrypt. It runs on the REST pool as service_role, because
 * the bootstrap grants USAGE on schema `extensions` to the API roles but not to supabase_auth_admin.
 */
export class PasswordHasher {
  constructor(private readonly db: Db) {}

  private run<T>(sql: string, params: unknown[]): Promise<T> {
    return this.db.transaction(async (client) => {
      await client.query(`SELECT set_config('role', 'service_role', true)`);
      const { rows } = await client.query<{ v: T }>(sql, params);
      return rows[0]!.v;
    }, 'BEGIN READ ONLY');
  }

  /** A new bcrypt hash of `password`. */
  hash(password: string): Promise<string> {
    return this.run<string>(`SELECT extensions.crypt($1, extensions.gen_salt('bf', ${BCRYPT_COST})) AS v`, [
      password,
    ]);
  }

  /** Whether `password` matches the bcrypt `hash` (false for an empty or missing hash). */
  async verify(password: string, hash: string | null): Promise<boolean> {
    if (!hash) return false;
    return this.run<boolean>(`SELECT extensions.crypt($1, $2) = $2 AS v`, [password, hash]);
  }
}
