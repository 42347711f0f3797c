// Registering the gateway in the control plane: the newest key and endpoint become the gateway's, idempotently,
// and gateway_auth_token then signs with that key and hands out that URL.
import { jwtVerify } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  gatewayVerificationKey,
  registerGateway,
} from '../../main/services/data-plane/gateway-registration.js';
import { startTestCluster, type TestCluster, type TestDatabase } from '../support/test-postgres.js';

describe('gateway registration (real Postgres)', () => {
  let cluster: TestCluster;
  let db: TestDatabase;
  const query = async <T extends object>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new pg.Client({ connectionString: db.adminUrl });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase();
  });
  afterAll(async () => {
    await db.drop();
    await cluster.stop();
  });

  it('replaces the development key and endpoint, then changes nothing on later starts', async () => {
    expect(await query(`select secret_key from internal.gateway_auth_keys`)).toEqual([
      { secret_key: 'supersecret' },
    ]);
    const key = gatewayVerificationKey('a-jwt-secret-of-this-installation');
    const log: string[] = [];
    await registerGateway(db.adminUrl, { key, url: 'http://127.0.0.1:38318/' }, (t) => log.push(t));
    expect(log).toEqual([
      'gateway key in internal.gateway_auth_keys: updated',
      'internal.gateway_endpoints → http://127.0.0.1:38318/: updated',
    ]);
    await registerGateway(db.adminUrl, { key, url: 'http://127.0.0.1:38318/' }, (t) => log.push(t));
    expect(log.slice(2)).toEqual([
      'gateway key in internal.gateway_auth_keys: already current',
      'internal.gateway_endpoints → http://127.0.0.1:38318/: already current',
    ]);
    expect(await query(`select secret_key from internal.gateway_auth_keys`)).toEqual([{ secret_key: key }]);
    expect(await query(`select name, url from internal.gateway_endpoints`)).toEqual([
      { name: 'local', url: 'http://127.0.0.1:38318/' },
    ]);

    // What users get from gateway_auth_token is now signed with the gateway's key and points at it.
    const [row] = await query<{ token: string; gateway_url: string }>(
      `select set_config('request.jwt.claims', $1, true), t.* from gateway_auth_token('aliceCo/') t`,
      [JSON.stringify({ sub: '11111111-1111-1111-1111-111111111111', role: 'authenticated' })],
    );
    expect(row!.gateway_url).toBe('http://127.0.0.1:38318/');
    await expect(jwtVerify(row!.token, new TextEncoder().encode(key))).resolves.toBeDefined();
  });

  it('never issues a token in the future (the gateway refuses those)', async () => {
    // Ten statements 100 ms apart cover every fraction of a second: a rounded `iat` would be ahead of `now()`
    // for some of them.
    for (let i = 0; i < 10; i++) {
      const [row] = await query<{ token: string; now: string }>(
        `select set_config('request.jwt.claims', $1, true), t.token, extract(epoch from now())::text as now,
           pg_sleep(0.1) from gateway_auth_token('aliceCo/') t`,
        [JSON.stringify({ sub: '11111111-1111-1111-1111-111111111111', role: 'authenticated' })],
      );
      const claims = JSON.parse(Buffer.from(row!.token.split('.')[1]!, 'base64url').toString()) as {
        iat: number;
        exp: number;
      };
      expect(claims.iat).toBeLessThanOrEqual(Number(row!.now));
      expect(claims.exp - claims.iat).toBe(3600);
    }
  });

  it('adds rows to empty tables, and derives a different key per installation', async () => {
    await query(`delete from internal.gateway_auth_keys; delete from internal.gateway_endpoints`);
    const log: string[] = [];
    await registerGateway(db.adminUrl, { key: 'k1-k1-k1-k1', url: 'http://127.0.0.1:1/' }, (t) =>
      log.push(t),
    );
    expect(log[0]).toBe('gateway key in internal.gateway_auth_keys: added');
    expect(await query(`select count(*)::int as n from internal.gateway_endpoints`)).toEqual([{ n: 1 }]);
    expect(gatewayVerificationKey('one')).not.toBe(gatewayVerificationKey('two'));
    expect(gatewayVerificationKey('one')).toBe(gatewayVerificationKey('one'));
  });

  it('fails with a clear error when the database cannot be reached', async () => {
    await expect(
      registerGateway('postgresql://nobody:x@127.0.0.1:1/postgres', { key: 'k', url: 'u' }, () => undefined),
    ).rejects.toThrow(/^could not register the gateway in the control plane: .*ECONNREFUSED/);
  });
});
