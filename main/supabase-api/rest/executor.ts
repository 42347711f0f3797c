import type pg from 'pg';

import type { SchemaCache } from './schema-cache.js';

/** Who runs a request and what PostgREST exposes of it to SQL through settings. */
export interface RequestContext {
  readonly role: string;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly schema: string;
}

/** Thrown by a transaction body to roll back while still answering (PGRST116, tx=rollback). */
export class Rollback<T> extends Error {
  constructor(readonly result: T) {
    super('rollback');
  }
}

function claimText(claims: Readonly<Record<string, unknown>>, key: string): string {
  const v = claims[key];
  return typeof v === 'string' ? v : '';
}

/**
 * Runs `work` in one transaction as PostgREST does: BEGIN (READ ONLY for reads), then one SELECT of
 * transaction-local set_config calls (role, the role's own settings, search_path, request.jwt.claims, the
 * legacy per-claim settings, request.method/path/headers/cookies), then the work, then COMMIT.
 */
export async function inTransaction<T>(
  client: pg.ClientBase,
  cache: SchemaCache,
  request: RequestContext,
  readOnly: boolean,
  work: () => Promise<T>,
): Promise<T> {
  await client.query(
    readOnly ? 'BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY' : 'BEGIN ISOLATION LEVEL READ COMMITTED',
  );
  try {
    const settings: (readonly [string, string])[] = [
      ['role', request.role],
      ...(cache.roleSettings.get(request.role) ?? []),
      ['search_path', `"${request.schema.replaceAll('"', '""')}", "extensions"`],
      ['request.jwt.claims', JSON.stringify(request.claims)],
      ['request.jwt.claim.sub', claimText(request.claims, 'sub')],
      ['request.jwt.claim.role', request.role],
      ['request.jwt.claim.email', claimText(request.claims, 'email')],
      ['request.method', request.method],
      ['request.path', request.path],
      ['request.headers', JSON.stringify(request.headers)],
      ['request.cookies', '{}'],
    ];
    const calls = settings.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ');
    await client.query(`SELECT ${calls}`, settings.flat());
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error: unknown) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (error instanceof Rollback) return error.result as T;
    throw error;
  }
}
