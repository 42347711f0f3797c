import http from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MAX_BODY_BYTES } from '../../main/supabase-api/http/http-io.js';
import { startApiTestEnv, type ApiTestEnv } from './api-test-env.js';
import { runSql, SCRATCH_SQL } from './rest-fixtures.js';

/** A raw request (fetch would normalise or refuse some of these URLs): status and body. */
function raw(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Buffer,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('REST robustness: bodies and URLs no request should get past', () => {
  let env: ApiTestEnv;
  let port: number;
  const json = { 'Content-Type': 'application/json' };
  beforeAll(async () => {
    env = await startApiTestEnv();
    await runSql(env.db.url, SCRATCH_SQL);
    await env.server.reloadSchema();
    port = env.server.port;
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('refuses a body that is not UTF-8 with 22021, as PostgreSQL words it, and stores nothing', async () => {
    const body = Buffer.concat([
      Buffer.from('{"id": 50, "name": "'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const res = await raw(port, 'POST', '/rest/v1/authors', { apikey: env.anonKey, ...json }, body);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      code: '22021',
      details: null,
      hint: null,
      message: 'invalid byte sequence for encoding "UTF8": 0xc3 0x28',
    });
    const rpc = await raw(
      port,
      'POST',
      '/rest/v1/rpc/add_them',
      { apikey: env.anonKey, ...json },
      Buffer.from([0xff]),
    );
    expect(JSON.parse(rpc.body)).toMatchObject({ code: '22021' });
    const { data } = await env.client().from('authors').select('id').eq('id', 50);
    expect(data).toEqual([]);
  });

  it('refuses JSON nested too deep for PostgreSQL with 400, not a 500', async () => {
    const deep = `{"id": 51, "title": "x", "data": ${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    const res = await raw(
      port,
      'POST',
      '/rest/v1/books',
      { apikey: env.anonKey, ...json },
      Buffer.from(deep),
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'PGRST102', message: 'Empty or invalid json' });
    // Nesting PostgreSQL handles is passed on as before.
    const fine = await env
      .client()
      .from('books')
      .insert({ id: 52, title: 't', data: JSON.parse(`${'['.repeat(200)}${']'.repeat(200)}`) as unknown })
      .select('id');
    expect(fine.error).toBeNull();
  });

  it('answers 413 to a body over the limit, and the client gets the answer', async () => {
    const big = Buffer.alloc(MAX_BODY_BYTES + 1024, 0x20);
    const res = await raw(port, 'POST', '/rest/v1/authors', { apikey: env.anonKey, ...json }, big);
    expect(res.status).toBe(413);
  });

  it('answers 400 to malformed URLs on the REST, Auth and mailbox ports, and keeps serving', async () => {
    for (const path of ['/rest/v1/%zz', '/rest/v1/books%E0%A4%A', '/rest/v1/rpc/%FF', '/rest/v1/%']) {
      const res = await raw(port, 'GET', path, { apikey: env.anonKey });
      expect(res.status, path).toBe(400);
      expect(JSON.parse(res.body), path).toMatchObject({ code: 'PGRST100' });
    }
    // A malformed escape in the query string is kept as text, as PostgREST reads it.
    const query = await raw(port, 'GET', '/rest/v1/books?select=id&title=eq.%zz', { apikey: env.anonKey });
    expect(query).toEqual({ status: 200, body: '[]' });
    const auth = await raw(port, 'GET', '/auth/v1/%E0%A4%A?redirect_to=%zz', { apikey: env.anonKey });
    expect(auth.status).toBeLessThan(500);
    const mailboxPort = env.server.mailboxPort!;
    for (const path of ['/api/v1/mailbox/%E0%A4%A', '/api/v1/messages/%zz', '/%']) {
      const res = await raw(mailboxPort, 'GET', path);
      expect(res.status, path).toBe(400);
    }
    expect((await raw(mailboxPort, 'GET', '/api/v1/messages')).status).toBe(200);
    expect((await raw(port, 'GET', '/rest/v1/books?select=id&limit=1', { apikey: env.anonKey })).status).toBe(
      200,
    );
  });
});
