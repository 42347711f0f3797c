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

// With the database up, no request may get a 5xx: not a 500 (a bug of the server, or a database limit a
// hostile request should not reach), not a 503 (PGRST000 used to hide our own TypeErrors and URIErrors).
function acceptable(status: number): boolean {
  return status < 500;
}

/** Raw percent-escapes that are malformed or decode to invalid UTF-8. */
const BAD_ESCAPES = ['%', '%zz', '%E0%A4%A', '%FF', '%C0%80', '%ED%A0%80', '%%', '%2', '%u0041'];

/** Bodies that are not valid UTF-8 (as bytes). */
const INVALID_UTF8 = [
  [0xff],
  [0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d], // {"name":"\xc3("}
  [0x5b, 0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d, 0x5d],
  [0xe2, 0x82],
].map((bytes) => Buffer.from(bytes));

function nested(depth: number, open: string, close: string, inner = '1'): string {
  return `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
}

/** Bodies that are deep, huge or both, built once. */
const HOSTILE_BODIES: readonly (string | Buffer)[] = [
  nested(5000, '[', ']'),
  nested(100_000, '[', ']'),
  nested(20_000, '{"a":', '}'),
  `{"id": 77, "name": ${nested(3000, '[', ']', '"x"')}}`,
  `{"data": ${nested(30_000, '{"k":', '}')}}`,
  JSON.stringify(Array.from({ length: 40_000 }, (_, i) => ({ id: 100_000 + i, name: `n${i}` }))),
  `[${'{"id": 1},'.repeat(200_000)}{"id": 1}]`,
  ...INVALID_UTF8,
];

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
      fc.constantFrom(...BAD_ESCAPES).map((e) => `/books${e}`),
      fc.constantFrom(...BAD_ESCAPES).map((e) => `/rpc/${e}add_them`),
      fc.constantFrom(...BAD_ESCAPES).map((e) => `/${e}`),
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
      fc.constantFrom(...INVALID_UTF8),
      fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes)),
    );
    // Raw query strings with malformed escapes, next to the well-encoded ones.
    const queryString = fc.oneof(
      query.map(encode),
      fc
        .tuple(fc.constantFrom(...BAD_ESCAPES), fc.constantFrom('select=', 'id=eq.', 'or=(id.eq.', 'order='))
        .map(([e, k]) => `${k}${e}`),
    );
    await fc.assert(
      fc.asyncProperty(methods, paths, queryString, headers, body, async (method, path, q, h, b) => {
        const sendsBody = method !== 'GET' && method !== 'HEAD';
        const cleanHeaders = Object.fromEntries(
          Object.entries(h).filter(([, v]) => v !== '' && /^[\t\x20-\x7e]*$/.test(v)),
        );
        const res = await fetch(`${base}${path}?${q}`, {
          method,
          headers: { apikey: env.anonKey, 'Content-Type': 'application/json', ...cleanHeaders },
          ...(sendsBody ? { body: b } : {}),
        });
        const text = await res.text();
        if (!acceptable(res.status)) throw new Error(`${res.status} for ${method} ${path}?${q}: ${text}`);
      }),
      { numRuns: 1500, seed: 4242 },
    );
    // Deep, huge and invalid bodies on every kind of write, as anon and as the service role.
    for (const key of [env.anonKey, env.serviceKey]) {
      for (const [method, path] of [
        ['POST', '/authors'],
        ['POST', '/books?columns=id,title'],
        ['PATCH', '/books?id=eq.1'],
        ['POST', '/rpc/add_them'],
        ['POST', '/rpc/books_by'],
      ] as const) {
        for (const b of HOSTILE_BODIES) {
          const res = await fetch(`${base}${path}`, {
            method,
            headers: { apikey: key, Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
            body: b,
          });
          const text = await res.text();
          if (!acceptable(res.status)) {
            throw new Error(
              `${res.status} for ${method} ${path} with a ${b.length}-byte body: ${text.slice(0, 300)}`,
            );
          }
        }
      }
    }
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
