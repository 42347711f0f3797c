// The Supabase-compatible API against direct pg: an RLS-filtered select as the same transaction
// (BEGIN READ ONLY, the same set_config calls with the same values, select, COMMIT), in the same run; and
// password sign-in latency. The API server runs in its own process (as in the stack); this process only
// generates load, for both paths alike, at the same concurrency. Rounds alternate which path goes first and
// the ratio is taken per round, so drifting background load on the machine hits both sides of each ratio.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import pg from 'pg';

import { PROJECT_ROOT } from '../../main/stack/project-paths.js';
import { signApiKey } from '../../main/stack/secrets.js';
import { freePort } from '../../test/support/free-port.js';
import { startTestCluster } from '../../test/support/test-postgres.js';
import { quantile, type Measurement } from './stats.js';

const SECRET = 'bench-secret-with-at-least-32-characters-long';
const ROUNDS = Number(process.env.BENCH_RUNS ?? 5);
const ROUND_MS = 2000;
const CONCURRENCY = 8;
const LATENCY_SAMPLES = 400;
const ALICE = '11111111-1111-1111-1111-111111111111';
const SELECT = 'select id, detail from drafts order by id limit 10';

type Op = () => Promise<void>;

/** CPU time (user + system) a process has used, in ms, from /proc (Linux; NaN elsewhere). */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime in USER_HZ ticks
  } catch {
    return Number.NaN;
  }
}

/** Requests per second, and CPU ms per request of this process (the load generator) and of `serverPid`. */
async function measure(
  op: Op,
  serverPid?: number,
): Promise<{ rps: number; clientCpu: number; serverCpu: number }> {
  const client0 = process.cpuUsage();
  const server0 = processCpuMs(serverPid);
  const rps = await throughput(op);
  const requests = (rps * ROUND_MS) / 1000;
  const client = process.cpuUsage(client0);
  return {
    rps,
    clientCpu: (client.user + client.system) / 1000 / requests,
    serverCpu: (processCpuMs(serverPid) - server0) / requests,
  };
}

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

async function latencies(op: Op, samples: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
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
    [
      // BENCH_API_PROFILE=<dir> writes a CPU profile of the API server there (node --cpu-prof).
      ...(process.env.BENCH_API_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_API_PROFILE}`]
        : []),
      '--import',
      'tsx',
      path.join(PROJECT_ROOT, 'main', 'supabase-api', 'main.ts'),
    ],
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
  const authenticatorUrl = db.url.replace('postgres:postgres@', 'authenticator:postgres@');
  const direct = new pg.Pool({ connectionString: authenticatorUrl, max: 10 });
  const pipelined = new pg.Pool({ connectionString: authenticatorUrl, max: 10, pipeline: true });
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
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    // The settings the API makes for this request, with the same values (see rest/executor.ts): role, the
    // role's own settings, search_path, the claims, the legacy claim settings, method, path, headers, cookies.
    const roleConfig = await direct.query<{ config: string[] | null }>(
      `select rolconfig as config from pg_roles where rolname = 'authenticated'`,
    );
    const settings: string[] = ['role', 'authenticated'];
    for (const entry of roleConfig.rows[0]?.config ?? []) {
      const eq = entry.indexOf('=');
      settings.push(entry.slice(0, eq), entry.slice(eq + 1));
    }
    const requestHeaders = {
      apikey: headers.apikey,
      authorization: headers.Authorization,
      accept: headers.Accept,
      host: `127.0.0.1:${apiPort}`,
      connection: 'keep-alive',
    };
    settings.push(
      'search_path',
      '"public", "extensions"',
      'request.jwt.claims',
      JSON.stringify({ ...claims, role: 'authenticated' }),
      'request.jwt.claim.sub',
      ALICE,
      'request.jwt.claim.role',
      'authenticated',
      'request.jwt.claim.email',
      'alice@example.com',
      'request.method',
      'GET',
      'request.path',
      '/drafts',
      'request.headers',
      JSON.stringify(requestHeaders),
      'request.cookies',
      '{}',
    );
    const setConfig = `select ${Array.from({ length: settings.length / 2 }, (_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`;
    const selectSql = `select coalesce(json_agg(t), '[]')::text as body from (${SELECT}) t`;
    const viaApi: Op = () =>
      get(agent, apiPort, '/rest/v1/drafts?select=id,detail&order=id&limit=10', headers).then(
        () => undefined,
      );
    const viaPg: Op = async () => {
      const c = await direct.connect();
      try {
        await c.query('BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY');
        await c.query(setConfig, settings);
        await c.query(selectSql);
        await c.query('COMMIT');
      } finally {
        c.release();
      }
    };
    // For reference only: the same transaction over pipelining clients written the way the API writes it
    // (BEGIN, prepared settings, select and COMMIT in one socket write and one round trip).
    const viaPgPipelined: Op = async () => {
      const c = await pipelined.connect();
      const stream = (c as unknown as pg.Client).connection.stream;
      const together = <T>(issue: () => T): T => {
        stream.cork();
        try {
          return issue();
        } finally {
          stream.uncork();
        }
      };
      try {
        await Promise.all(
          together(() => [
            c.query('BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY'),
            c.query({ name: 'bench_settings', text: setConfig, values: settings }),
            c.query(selectSql),
            c.query('COMMIT'),
          ]),
        );
      } finally {
        c.release();
      }
    };
    const rows = JSON.parse(await get(agent, apiPort, '/rest/v1/drafts?select=id', headers)) as unknown[];
    log(`alice sees ${rows.length} of 200 drafts through RLS`);
    // Warm up all paths (JIT, connection pools, plan caches). The API's throughput keeps climbing over the
    // first few seconds (its code is TypeScript compiled by tsx, and V8 tiers it up), so it gets longer.
    for (let i = 0; i < 3; i++) await throughput(viaApi);
    await throughput(viaPg);
    await throughput(viaPgPipelined);
    const apiRps: number[] = [];
    const pgRps: number[] = [];
    const pipelinedRps: number[] = [];
    const ratio: number[] = [];
    const pipelinedRatio: number[] = [];
    const apiClientCpu: number[] = [];
    const apiServerCpu: number[] = [];
    const pgClientCpu: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate the order so neither path always runs right after the other.
      const runApi = () => measure(viaApi, child.pid);
      let a: Awaited<ReturnType<typeof measure>>, d: Awaited<ReturnType<typeof measure>>, p: number;
      if (i % 2 === 0) {
        a = await runApi();
        d = await measure(viaPg);
        p = await throughput(viaPgPipelined);
      } else {
        p = await throughput(viaPgPipelined);
        d = await measure(viaPg);
        a = await runApi();
      }
      apiRps.push(a.rps);
      pgRps.push(d.rps);
      pipelinedRps.push(p);
      ratio.push((100 * a.rps) / d.rps);
      pipelinedRatio.push((100 * a.rps) / p);
      apiClientCpu.push(a.clientCpu);
      apiServerCpu.push(a.serverCpu);
      pgClientCpu.push(d.clientCpu);
      log(
        `round ${i + 1}: API ${a.rps.toFixed(0)} req/s, direct ${d.rps.toFixed(0)} req/s (${((100 * a.rps) / d.rps).toFixed(0)} %), direct pipelined ${p.toFixed(0)} req/s`,
      );
    }
    // Latency one request at a time, the two paths interleaved sample by sample.
    const apiLat: number[] = [];
    const pgLat: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      apiLat.push(...(await latencies(viaApi, 1)));
      pgLat.push(...(await latencies(viaPg, 1)));
    }
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
      {
        name: 'RLS select via direct pg (throughput)',
        unit: 'req/s',
        samples: pgRps,
        note: 'same tx and settings, one round trip per statement',
      },
      { name: 'API / direct throughput', unit: '%', samples: ratio, target: { min: 70 } },
      {
        name: 'RLS select via direct pg, pipelined',
        unit: 'req/s',
        samples: pipelinedRps,
        note: 'reference: the round trips the API makes',
      },
      { name: 'API / direct pipelined throughput', unit: '%', samples: pipelinedRatio },
      {
        name: 'API server CPU per request',
        unit: 'ms',
        samples: apiServerCpu,
        note: 'user+sys of the API process, 10 ms ticks',
      },
      { name: 'load generator CPU per request, API', unit: 'ms', samples: apiClientCpu, note: 'HTTP client' },
      { name: 'load generator CPU per request, direct', unit: 'ms', samples: pgClientCpu, note: 'pg client' },
      { name: 'RLS select via API (latency)', unit: 'ms', samples: apiLat },
      { name: 'RLS select via direct pg (latency)', unit: 'ms', samples: pgLat },
      { name: 'API p50 latency overhead', unit: 'ms', samples: overhead, target: { max: 1 } },
      { name: 'password sign-in (bcrypt cost 10)', unit: 'ms', samples: signInMs },
    ];
  } finally {
    agent.destroy();
    await direct.end();
    await pipelined.end();
    if (child.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await db.drop();
    await cluster.stop();
  }
}
