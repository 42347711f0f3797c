// The Supabase-compatible API against direct pg: an RLS-filtered select as the same transaction
// (BEGIN READ ONLY, the same set_config calls with the same values, select, COMMIT), in the same run; and
// password sign-in latency. The API server runs in its own process (as in the stack); this process only
// generates load, for both paths alike, at the same concurrency. Within a round the paths take turns in short
// slices (the order rotating) and the ratio is taken per round, so background load on a shared machine, which
// drifts from second to second, hits both sides of each ratio alike.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import pg from 'pg';

import { PROJECT_ROOT } from '../../main/stack/project-paths.js';
import { runBatch } from '../../main/supabase-api/rest/pg-batch.js';
import { signApiKey } from '../../main/stack/secrets.js';
import { freePort } from '../../test/support/free-port.js';
import { startTestCluster } from '../../test/support/test-postgres.js';
import { quantile, type Measurement } from './stats.js';

const SECRET = 'bench-secret-with-at-least-32-characters-long';
const ROUNDS = Number(process.env.BENCH_RUNS ?? 5);
const ROUND_MS = 2000;
const SLICE_MS = 250;
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

/** Runs `op` at CONCURRENCY for about `ms`: the requests done and the time they really took. */
async function burst(op: Op, ms: number): Promise<{ requests: number; ms: number }> {
  let requests = 0;
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        await op();
        requests++;
      }
    }),
  );
  return { requests, ms: performance.now() - start };
}

/** A path's result over one round: requests per second, CPU ms per request of this process and the server. */
interface RoundResult {
  readonly rps: number;
  readonly clientCpu: number;
  readonly serverCpu: number;
}

/**
 * One round of ROUND_MS per path, the paths taking turns in SLICE_MS slices with the order rotating each
 * slice. `serverPid` is the process whose CPU the path costs besides this one (the API server).
 */
async function round(paths: readonly { op: Op; serverPid?: number }[]): Promise<RoundResult[]> {
  const tallies = paths.map(() => ({ requests: 0, ms: 0, clientCpu: 0, serverCpu: 0 }));
  for (let slice = 0; slice < ROUND_MS / SLICE_MS; slice++) {
    for (let k = 0; k < paths.length; k++) {
      const i = (k + slice) % paths.length;
      const path = paths[i]!;
      const tally = tallies[i]!;
      const client0 = process.cpuUsage();
      const server0 = processCpuMs(path.serverPid);
      const done = await burst(path.op, SLICE_MS);
      const client = process.cpuUsage(client0);
      tally.requests += done.requests;
      tally.ms += done.ms;
      tally.clientCpu += (client.user + client.system) / 1000;
      tally.serverCpu += processCpuMs(path.serverPid) - server0;
    }
  }
  return tallies.map((t) => ({
    rps: t.requests / (t.ms / 1000),
    clientCpu: t.clientCpu / t.requests,
    serverCpu: t.serverCpu / t.requests,
  }));
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
    // For reference only: the same transaction written the way the API writes it (rest/pg-batch.ts):
    // BEGIN, the settings, the select and COMMIT as prepared statements in one batch with a single Sync.
    const batch = [
      { name: 'bench_begin', text: 'BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY', values: [] },
      { name: 'bench_settings', text: setConfig, values: settings },
      { name: 'bench_select', text: selectSql, values: [] },
      { name: 'bench_commit', text: 'COMMIT', values: [] },
    ];
    const viaPgPipelined: Op = async () => {
      const c = await pipelined.connect();
      try {
        await runBatch(c, batch, 2);
      } finally {
        c.release();
      }
    };
    const rows = JSON.parse(await get(agent, apiPort, '/rest/v1/drafts?select=id', headers)) as unknown[];
    log(`alice sees ${rows.length} of 200 drafts through RLS`);
    // Warm up all paths (JIT, connection pools, plan caches). The API's throughput keeps climbing over the
    // first few seconds (its code is TypeScript compiled by tsx, and V8 tiers it up), so it gets longer.
    for (let i = 0; i < 3; i++) await burst(viaApi, ROUND_MS);
    await burst(viaPg, ROUND_MS);
    await burst(viaPgPipelined, ROUND_MS);
    const apiRps: number[] = [];
    const pgRps: number[] = [];
    const pipelinedRps: number[] = [];
    const ratio: number[] = [];
    const pipelinedRatio: number[] = [];
    const apiClientCpu: number[] = [];
    const apiServerCpu: number[] = [];
    const pgClientCpu: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const [a, d, p] = (await round([
        { op: viaApi, serverPid: child.pid },
        { op: viaPg },
        { op: viaPgPipelined },
      ])) as [RoundResult, RoundResult, RoundResult];
      apiRps.push(a.rps);
      pgRps.push(d.rps);
      pipelinedRps.push(p.rps);
      ratio.push((100 * a.rps) / d.rps);
      pipelinedRatio.push((100 * a.rps) / p.rps);
      apiClientCpu.push(a.clientCpu);
      apiServerCpu.push(a.serverCpu);
      pgClientCpu.push(d.clientCpu);
      log(
        `round ${i + 1}: API ${a.rps.toFixed(0)} req/s, direct ${d.rps.toFixed(0)} req/s (${((100 * a.rps) / d.rps).toFixed(0)} %), direct one batch ${p.rps.toFixed(0)} req/s`,
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
        name: 'RLS select via direct pg, one batch',
        unit: 'req/s',
        samples: pipelinedRps,
        note: 'reference: the same tx as one batch of prepared statements, as the API sends it',
      },
      { name: 'API / direct one-batch throughput', unit: '%', samples: pipelinedRatio },
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
