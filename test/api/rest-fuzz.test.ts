import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApiTestEnv, type ApiTestEnv } from './api-test-env.js';
import { runSql, SCRATCH_SQL } from './rest-fixtures.js';

const HOSTILE = [
  "'; drop table authors; --",
  '"; drop table authors; --',
  ')); delete from authors; --',
  '$1',
  '$$',
  '\\',
  '%00',
  '%27',
  '*',
  '(',
  ')',
  ',',
  '"',
  '{',
  '}',
  '->',
  '->>',
  '::',
  '!inner',
  'not.',
  'or=(',
  'pg_sleep(10)',
  'id=eq.1;select 1',
  '\u0000',
  'é',
];
const WORDS = [
  'id',
  'title',
  'name',
  'authors',
  'books',
  'select',
  'order',
  'limit',
  'offset',
  'eq',
  'in',
  'is',
  'null',
  'cs',
  'or',
  'and',
  'not',
  'data',
  'tags',
  'desc',
  'asc',
  '1',
  '-1',
  '99999999999999999999',
  'drafts',
  'draft_specs',
  'drafts_ext',
  'draft_specs_ext',
  'live_specs_ext',
  'publication_specs_ext',
];
const PUNCT = [
  '.',
  '...',
  ',',
  '(',
  ')',
  '=',
  '&',
  ':',
  '!',
  '"',
  '->',
  '->>',
  '::',
  '*',
  '{',
  '}',
  ' ',
  '%',
  '+',
];

const token = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.constantFrom(...PUNCT),
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 6 }),
);
const fragment = fc.array(token, { maxLength: 12 }).map((parts) => parts.join(''));
const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...WORDS), fragment), fragment), { maxLength: 5 });

/** Builds a query string without URL validation surprises (every part percent-encoded). */
function encode(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

// The documented 5xx answers: SQLSTATEs PostgREST maps to 500/503 and connection errors; never our own.
function acceptable(status: number, body: string): boolean {
  if (status < 500) return true;
  try {
    const code = (JSON.parse(body) as { code?: string }).code ?? '';
    return /^[0-9A-Z]{5}$/.test(code) || code === 'PGRST000' || code === 'PGRST001';
  } catch {
    return false;
  }
}

describe('REST parser fuzz: hostile query strings, headers and bodies', () => {
  let env: ApiTestEnv;
  beforeAll(async () => {
    env = await startApiTestEnv();
    await runSql(env.db.url, SCRATCH_SQL);
    await env.server.reloadSchema();
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('never answers an undocumented 5xx, never runs injected SQL, and keeps serving', async () => {
    const base = `${env.server.url}/rest/v1`;
    const methods = fc.constantFrom('GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'PUT');
    const paths = fc.oneof(
      fc.constantFrom(
        '/books',
        '/authors',
        '/rpc/add_them',
        '/rpc/books_by',
        '/notes',
        '/drafts_ext',
        '/draft_specs_ext',
        '/',
      ),
      fragment.map((f) => `/${encodeURIComponent(f)}`),
    );
    const headers = fc.record({
      Prefer: fc.oneof(
        fc.constant(''),
        fc.constantFrom(
          'return=representation',
          'count=exact',
          'resolution=merge-duplicates',
          'missing=default',
          'handling=strict, bogus',
          'tx=rollback',
        ),
        fragment,
      ),
      Accept: fc.oneof(
        fc.constant('application/json'),
        fc.constantFrom('application/vnd.pgrst.object+json', 'text/xml', '*/*'),
        fragment,
      ),
      Authorization: fc.oneof(
        fc.constant(`Bearer ${env.anonKey}`),
        fc.constant(`Bearer ${env.serviceKey}`),
        fragment.map((f) => `Bearer ${f}`),
      ),
      'Accept-Profile': fc.oneof(fc.constant('public'), fragment),
    });
    const body = fc.oneof(
      fc.constant(''),
      fc.json({ maxDepth: 2 }),
      fc.constantFrom(
        '{"id": 5, "name": "x"}',
        '[{"id":1},{"name":2}]',
        '{"a": 1}',
        '[]',
        '{}',
        '{"author": "1; drop table books"}',
      ),
      fragment,
    );
    await fc.assert(
      fc.asyncProperty(methods, paths, query, headers, body, async (method, path, q, h, b) => {
        const sendsBody = method !== 'GET' && method !== 'HEAD';
        const cleanHeaders = Object.fromEntries(
          Object.entries(h).filter(([, v]) => v !== '' && /^[\t\x20-\x7e]*$/.test(v)),
        );
        const res = await fetch(`${base}${path}?${encode(q)}`, {
          method,
          headers: { apikey: env.anonKey, 'Content-Type': 'application/json', ...cleanHeaders },
          ...(sendsBody ? { body: b } : {}),
        });
        const text = await res.text();
        if (!acceptable(res.status, text))
          throw new Error(`${res.status} for ${method} ${path}?${encode(q)}: ${text}`);
      }),
      { numRuns: 1500, seed: 4242 },
    );
    const client = new pg.Client({ connectionString: env.db.url });
    await client.connect();
    const tables = await client.query(
      `select count(*)::int as n from pg_tables where schemaname = 'public' and tablename in ('authors', 'books', 'notes')`,
    );
    await client.end();
    expect(tables.rows[0]).toEqual({ n: 3 });
    const ok = await fetch(`${base}/authors?id=eq.1`, { headers: { apikey: env.anonKey } });
    expect(ok.status).toBe(200);
  });
});
