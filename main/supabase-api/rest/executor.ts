import { createHash } from 'node:crypto';

import type pg from 'pg';

import { runBatch } from './pg-batch.js';
import type { SchemaCache } from './schema-cache/schema-cache.js';

/** Who runs a request and what PostgREST exposes of it to SQL through settings. */
export interface RequestContext {
  readonly role: string;
  readonly claims: Readonly<Record<string, unknown>>;
  /** The claims as JSON (made once per token, not per request). */
  readonly claimsJson: string;
  readonly method: string;
  readonly path: string;
  /** The request headers as a JSON object, names lower-cased. */
  readonly headersJson: string;
  readonly schema: string;
  /** The search_path value: the schema, then the extra search path, each quoted. */
  readonly searchPath: string;
  /** `Prefer: timezone=`, set for the transaction when the database knows the zone. */
  readonly timezone?: string;
}

/** Thrown by a transaction body to roll back while still answering (PGRST116, tx=rollback). */
export class Rollback<T> extends Error {
  constructor(readonly result: T) {
    super('rollback');
  }
}

const BEGIN_READ_ONLY = 'BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY';
const BEGIN_READ_WRITE = 'BEGIN ISOLATION LEVEL READ COMMITTED';

function claimText(claims: Readonly<Record<string, unknown>>, key: string): string {
  const v = claims[key];
  return typeof v === 'string' ? v : '';
}

// The settings statement only differs in how many settings it sets (the role's own settings vary), so its
// text is built once per count and run as a named prepared statement: Postgres parses and plans it once per
// connection. It has no table in it, so no schema change can make the prepared plan stale.
const settingsStatements = new Map<number, { readonly name: string; readonly text: string }>();

function settingsStatement(count: number): { readonly name: string; readonly text: string } {
  let found = settingsStatements.get(count);
  if (!found) {
    const calls = Array.from({ length: count }, (_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`);
    found = { name: `pgrst_settings_${count}`, text: `SELECT ${calls.join(', ')}` };
    settingsStatements.set(count, found);
  }
  return found;
}

/**
 * The transaction-local settings PostgREST makes: role, the role's own settings, search_path,
 * request.jwt.claims, the legacy per-claim settings, request.method/path/headers/cookies. Values stay bound
 * parameters; only the (fixed) statement text is SQL.
 */
function settingsQuery(
  cache: SchemaCache,
  request: RequestContext,
): { readonly name: string; readonly text: string; readonly values: string[] } {
  const values: string[] = ['role', request.role];
  for (const [name, value] of cache.roleSettings.get(request.role) ?? []) values.push(name, value);
  values.push(
    'search_path',
    request.searchPath,
    'request.jwt.claims',
    request.claimsJson,
    'request.jwt.claim.sub',
    claimText(request.claims, 'sub'),
    'request.jwt.claim.role',
    request.role,
    'request.jwt.claim.email',
    claimText(request.claims, 'email'),
    'request.method',
    request.method,
    'request.path',
    request.path,
    'request.headers',
    request.headersJson,
    'request.cookies',
    '{}',
  );
  if (request.timezone !== undefined) values.push('timezone', request.timezone);
  const { name, text } = settingsStatement(values.length / 2);
  return { name, text, values };
}

/**
 * Issues queries that are written back to back in one socket write: the REST pool's clients pipeline (each
 * query goes out when issued, each with its own Sync, answered in order), and corking the socket meanwhile
 * saves a syscall per query. Without pipelining the later queries just wait in the client's queue.
 */
function writeTogether<T>(client: pg.ClientBase, issue: () => T): T {
  const stream = (client as Partial<Pick<pg.Client, 'connection'>>).connection?.stream;
  if (!stream) return issue();
  stream.cork();
  try {
    return issue();
  } finally {
    stream.uncork();
  }
}

async function rollback(client: pg.ClientBase): Promise<void> {
  await client.query('ROLLBACK').catch(() => undefined);
}

/** The first failure of settled queries, in the order they were sent. */
function firstFailure(results: readonly PromiseSettledResult<unknown>[]): { error: unknown } | null {
  for (const r of results) if (r.status === 'rejected') return { error: r.reason };
  return null;
}

/**
 * Opening a transaction: BEGIN (READ ONLY for reads) and the settings SELECT, written together with the
 * first statement of the work (the REST pool's clients pipeline). This is safe because Postgres runs them
 * in order inside the transaction block: if BEGIN or the settings fail, the block is aborted and everything
 * after fails (25P02) without running, until the COMMIT or ROLLBACK that ends it. The settings are
 * transaction-local (set_config(..., true)), so they never outlive the request.
 */
function begin(
  client: pg.ClientBase,
  cache: SchemaCache,
  request: RequestContext,
  readOnly: boolean,
): Promise<unknown>[] {
  // Built before anything is sent, so nothing can throw between BEGIN and the queries that end it.
  const settings = settingsQuery(cache, request);
  return [client.query(readOnly ? BEGIN_READ_ONLY : BEGIN_READ_WRITE), client.query(settings)];
}

/**
 * Runs `work` in one transaction as PostgREST does: BEGIN (READ ONLY for reads), then one SELECT of
 * transaction-local set_config calls (see settingsQuery), then the work, then COMMIT; ROLLBACK when the work
 * fails or throws Rollback. The work's first query is written with BEGIN and the settings (see begin).
 */
export async function inTransaction<T>(
  client: pg.ClientBase,
  cache: SchemaCache,
  request: RequestContext,
  readOnly: boolean,
  work: () => Promise<T>,
): Promise<T> {
  const [opening, working] = writeTogether(client, () => {
    const opened = begin(client, cache, request, readOnly);
    let worked: Promise<T>;
    try {
      worked = work();
    } catch (error: unknown) {
      worked = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return [opened, worked] as const;
  });
  const [opened, worked] = await Promise.all([Promise.allSettled(opening), Promise.allSettled([working])]);
  const failed = firstFailure([...opened, ...worked]);
  if (failed === null) {
    try {
      await client.query('COMMIT');
      return (worked[0] as PromiseFulfilledResult<T>).value;
    } catch (error: unknown) {
      await rollback(client);
      throw error;
    }
  }
  await rollback(client);
  if (failed.error instanceof Rollback) return failed.error.result as T;
  throw failed.error;
}

/** A statement with the same text for every request of one shape, run as a named prepared statement. */
export interface PreparedStatement {
  /** Derived from the text (see statementName), so one name never carries two texts. */
  readonly name: string;
  readonly text: string;
  readonly values: readonly unknown[];
}

/** A prepared-statement name for a statement text: a digest, so equal texts share one name. */
export function statementName(prefix: string, text: string): string {
  return `${prefix}_${createHash('sha1').update(text).digest('hex')}`;
}

const BEGIN_READ_ONLY_STATEMENT: PreparedStatement = {
  name: 'pgrst_begin_ro',
  text: BEGIN_READ_ONLY,
  values: [],
};
const COMMIT_STATEMENT: PreparedStatement = { name: 'pgrst_commit', text: 'COMMIT', values: [] };

/** How a read transaction ends. */
export interface ReadEnding {
  /** The check may refuse the result (e.g. PGRST116), which must then roll back. */
  readonly mayRefuse: boolean;
  /** `Prefer: tx=rollback`: end with ROLLBACK even when the result is answered. */
  readonly rollback: boolean;
  /** More work in the transaction once the statement answered (e.g. EXPLAIN for count=planned). */
  readonly beforeEnd?: (fields: readonly (string | null)[]) => Promise<void>;
}

/**
 * A read-only transaction around one statement, sent as one batch (see pg-batch.ts): BEGIN READ ONLY, the
 * settings, the statement and COMMIT, each a prepared statement, with a single Sync, so the transaction
 * costs one round trip. PostgreSQL runs them in order and skips the rest after a failure, which leaves the
 * transaction aborted until the ROLLBACK sent here. `check` sees the statement's first row (its fields in
 * order, as text) before the answer is used. When the check may refuse a result (PGRST116) or the client
 * asked for tx=rollback, the batch stops before COMMIT and COMMIT or ROLLBACK follows, so a refused result
 * is rolled back as PostgREST does.
 */
export async function readInTransaction(
  client: pg.ClientBase,
  cache: SchemaCache,
  request: RequestContext,
  statement: PreparedStatement,
  check: (fields: readonly (string | null)[]) => void,
  ending: ReadEnding,
): Promise<readonly (string | null)[]> {
  const settings = settingsQuery(cache, request);
  const batch: PreparedStatement[] = [
    BEGIN_READ_ONLY_STATEMENT,
    { ...settings, name: `pgrst_batch_${settings.name}` },
    statement,
  ];
  const commitInBatch = !ending.mayRefuse && !ending.rollback && ending.beforeEnd === undefined;
  if (commitInBatch) batch.push(COMMIT_STATEMENT);
  let fields: readonly (string | null)[];
  try {
    const { row } = await runBatch(client, batch, 2, cache);
    if (row === null) throw new Error('the statement returned no row');
    fields = row;
  } catch (error: unknown) {
    await rollback(client);
    throw error;
  }
  if (commitInBatch) {
    check(fields);
    return fields;
  }
  try {
    check(fields);
    await ending.beforeEnd?.(fields);
    await client.query(ending.rollback ? 'ROLLBACK' : 'COMMIT');
    return fields;
  } catch (error: unknown) {
    await rollback(client);
    throw error;
  }
}
