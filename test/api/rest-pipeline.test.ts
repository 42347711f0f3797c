import pg from 'pg';
import { expect, it } from 'vitest';

import { startApiTestEnv } from './api-test-env.js';

// The REST executor pipelines BEGIN, the settings and the first statement: after requests that fail at
// any step (a bad filter value, a singular read that must roll back), no connection may be left inside a
// transaction, and the next request must work.
it('leaves no transaction open after failed pipelined requests', async () => {
  const env = await startApiTestEnv();
  try {
    const headers = { apikey: env.serviceKey, Authorization: `Bearer ${env.serviceKey}` };
    const get = (q: string, extra: Record<string, string> = {}): Promise<Response> =>
      fetch(`${env.server.url}/rest/v1/${q}`, { headers: { ...headers, ...extra } });
    const single = { Accept: 'application/vnd.pgrst.object+json' };
    const statuses = new Set<number>();
    for (let i = 0; i < 30; i++) {
      for (const response of [
        await get('drafts?id=eq.not-a-number'),
        await get('drafts?select=id', single),
        await get('drafts?select=id&limit=1', single),
        await get('drafts?select=id'),
      ]) {
        statuses.add(response.status);
        await response.body?.cancel();
      }
    }
    // 400: the bad value fails after BEGIN; 406: PGRST116 rolls back; 200: plain reads.
    expect([...statuses].sort()).toEqual([200, 400, 406]);
    const admin = new pg.Client({ connectionString: env.db.adminUrl });
    await admin.connect();
    const { rows } = await admin.query<{ state: string }>(
      `select state from pg_stat_activity where application_name = 'supabase-api rest'`,
    );
    await admin.end();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.state !== 'idle')).toEqual([]);
    expect((await get('drafts?select=id')).status).toBe(200);
  } finally {
    await env.stop();
  }
});
