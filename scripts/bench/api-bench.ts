// The Supabase-compatible API against direct pg: an RLS-filtered select as the same transaction
// (BEGIN READ ONLY, set_config, select, COMMIT), in the same run; and password sign-in latency.
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';

import pg from 'pg';

import { PROJECT_ROOT } from '../../main/stack/project-paths.js';
import { signApiKey } from '../../main/stack/secrets.js';
import { freePort } from '../../test/support/free-port.js';
import { startTestCluster } from '../../test/support/test-postgres.js';
import { quantile, type Measurement } from './stats.js';

const SECRET = 'bench-secret-with-at-least-32-characters-long';
const ROUNDS = Number(process.env.BENCH_RUNS ?? 3);
const ROUND_MS = 2000;
const CONCURRENCY = 8;
const LATENCY_SAMPLES = 400;
const ALICE = '11111111-1111-1111-1111-111111111111';
const SELECT = 'select id, detail from drafts order by id limit 10';

type Op = () => Promise<void>;

async function throughput(op: Op): Promise<number> {
  let done = 0;
  const end = performance.now() + ROUND_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        await op();
        done++;
      }
    }),
  );
  return done / (ROUND_MS / 1000);
}

async function latencies(op: Op): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const t = performance.now();
    await op();
    out.push(performance.now() - t);
  }
  return out;
}

function get(
  agent: http.Agent,
  port: number,
  pathAndQuery: string,
  headers: Record<string, string>,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathAndQuery, agent, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () =>
        res.statusCode === 200 ? resolve(body) : reject(new Error(`${res.statusCode}: ${body}`)),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitForHealth(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/auth/v1/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the API server did not start');
}

/** Runs the API benchmark section. */
export async function run(log: (text: string) => void): Promise<Measurement[]> {
  log('starting Postgres and the API server (child process, as in the stack)');
  const cluster = await startTestCluster();
  const db = await cluster.createDatabase();
  const apiPort = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(PROJECT_ROOT, 'main', 'supabase-api', 'main.ts')],
    {
      env: {
        ...process.env,
        SUPABASE_API_PORT: String(apiPort),
        SUPABASE_API_DB_PORT: String(cluster.port),
        SUPABASE_API_DATABASE: db.name,
        SUPABASE_API_JWT_SECRET: SECRET,
      },
      stdio: 'ignore',
    },
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const direct = new pg.Pool({
    connectionString: db.url.replace('postgres:postgres@', 'authenticator:postgres@'),
    max: 10,
  });
  try {
    const seed = new pg.Client({ connectionString: db.url });
    await seed.connect();
    await seed.query(
      `insert into drafts (user_id, detail) select case when i % 2 = 0 then $1::uuid else '22222222-2222-2222-2222-222222222222'::uuid end, 'draft ' || i from generate_series(1, 200) i`,
      [ALICE],
    );
    await seed.end();
    await waitForHealth(apiPort);
    const anonKey = await signApiKey(SECRET, 'anon');
    const signIn = async (): Promise<string> => {
      const res = await fetch(`http://127.0.0.1:${apiPort}/auth/v1/token?grant_type=password`, {
        method: 'POST',
        headers: { apikey: anonKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'alice@example.com', password: 'password' }),
      });
      if (!res.ok) throw new Error(`sign-in failed: ${res.status}`);
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const token = await signIn();
    const headers = { apikey: anonKey, Authorization: `Bearer ${token}`, Accept: 'application/json' };
    const claims = JSON.stringify({ sub: ALICE, role: 'authenticated', email: 'alice@example.com' });
    const viaApi: Op = () =>
      get(agent, apiPort, '/rest/v1/drafts?select=id,detail&order=id&limit=10', headers).then(
        () => undefined,
      );
    const viaPg: Op = async () => {
      const c = await direct.connect();
      try {
        await c.query('BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY');
        await c.query(
          `select set_config('role', $1, true), set_config('request.jwt.claims', $2, true), set_config('search_path', '"public", "extensions"', true), set_config('request.method', 'GET', true), set_config('request.path', '/drafts', true)`,
          ['authenticated', claims],
        );
        await c.query(`select coalesce(json_agg(t), '[]')::text as body from (${SELECT}) t`);
        await c.query('COMMIT');
      } finally {
        c.release();
      }
    };
    const rows = JSON.parse(await get(agent, apiPort, '/rest/v1/drafts?select=id', headers)) as unknown[];
    log(`alice sees ${rows.length} of 200 drafts through RLS`);
    // Warm up both paths (JIT, connection pools, plan caches).
    await throughput(viaApi);
    await throughput(viaPg);
    const apiRps: number[] = [];
    const pgRps: number[] = [];
    const ratio: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const a = await throughput(viaApi);
      const d = await throughput(viaPg);
      apiRps.push(a);
      pgRps.push(d);
      ratio.push((100 * a) / d);
      log(`round ${i + 1}: API ${a.toFixed(0)} req/s, direct ${d.toFixed(0)} req/s`);
    }
    const apiLat = await latencies(viaApi);
    const pgLat = await latencies(viaPg);
    const overhead = [quantile(apiLat, 0.5) - quantile(pgLat, 0.5)];
    const signInMs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      await signIn();
      signInMs.push(performance.now() - t);
    }
    return [
      {
        name: 'RLS select via API (throughput)',
        unit: 'req/s',
        samples: apiRps,
        note: `${CONCURRENCY} concurrent`,
      },
      { name: 'RLS select via direct pg (throughput)', unit: 'req/s', samples: pgRps, note: 'same tx shape' },
      { name: 'API / direct throughput', unit: '%', samples: ratio, target: { min: 70 } },
      { name: 'RLS select via API (latency)', unit: 'ms', samples: apiLat },
      { name: 'RLS select via direct pg (latency)', unit: 'ms', samples: pgLat },
      { name: 'API p50 latency overhead', unit: 'ms', samples: overhead, target: { max: 1 } },
      { name: 'password sign-in (bcrypt cost 10)', unit: 'ms', samples: signInMs },
    ];
  } finally {
    agent.destroy();
    await direct.end();
    if (child.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await db.drop();
    await cluster.stop();
  }
}
