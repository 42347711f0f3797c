// Helpers of the agent tests: in-process agents, queue rows, waiting for job results, Flow bin dirs.
import { type ChildProcess, spawn, type StdioOptions } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';

import { Agent } from '../../agent/src/agent.js';
import { type AgentConfig, defaultConfig } from '../../agent/src/config.js';
import { PROJECT_ROOT } from '../../main/stack/project-paths.js';

/** Seeded users. */
export const USERS = {
  accounts: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
  alice: '11111111-1111-1111-1111-111111111111',
  bob: '22222222-2222-2222-2222-222222222222',
  carol: '33333333-3333-3333-3333-333333333333',
} as const;

/** Starts an in-process agent with a fast poll (stop it in afterEach). */
export async function startAgent(databaseUrl: string, overrides: Partial<AgentConfig> = {}): Promise<Agent> {
  const agent = new Agent(
    defaultConfig(databaseUrl, {
      pollIntervalMs: 200,
      dockerSocket: '/nonexistent/docker.sock',
      ...overrides,
    }),
    () => undefined,
  );
  await agent.start();
  return agent;
}

/** A job's final status. */
export interface JobResult {
  readonly job_status: { type: string; error?: string; [key: string]: unknown };
  readonly logs_token: string;
}

/** Waits until a queue row is no longer queued. */
export async function waitForJob(
  pool: pg.Pool,
  table: string,
  id: string,
  timeoutMs = 20_000,
): Promise<JobResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<JobResult>(
      `select job_status, logs_token::text from ${table} where id = $1`,
      [id],
    );
    const row = rows[0];
    if (row && row.job_status.type !== 'queued') return row;
    if (Date.now() > deadline) throw new Error(`${table} ${id} is still queued after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A draft spec to insert. */
export interface SpecInput {
  readonly name: string;
  readonly type: 'capture' | 'collection' | 'materialization' | 'test' | null;
  readonly spec?: unknown;
  readonly expectPubId?: string | null;
}

/** Makes a draft of a user with specs; returns its id. */
export async function makeDraft(pool: pg.Pool, userId: string, specs: readonly SpecInput[]): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    'insert into drafts (user_id) values ($1) returning id::text',
    [userId],
  );
  const draftId = rows[0]!.id;
  for (const s of specs) {
    await pool.query(
      'insert into draft_specs (draft_id, catalog_name, spec, spec_type, expect_pub_id) values ($1, $2, $3::json, $4, $5)',
      [draftId, s.name, s.type === null ? null : JSON.stringify(s.spec), s.type, s.expectPubId ?? null],
    );
  }
  return draftId;
}

/** Queues a publication of a draft; returns its id. */
export async function queuePublication(
  pool: pg.Pool,
  userId: string,
  draftId: string,
  dryRun = false,
): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    'insert into publications (user_id, draft_id, dry_run) values ($1, $2, $3) returning id::text',
    [userId, draftId, dryRun],
  );
  return rows[0]!.id;
}

/** Publishes specs as a user and waits for the outcome. */
export async function publish(
  pool: pg.Pool,
  userId: string,
  specs: readonly SpecInput[],
  dryRun = false,
): Promise<JobResult & { id: string; draftId: string }> {
  const draftId = await makeDraft(pool, userId, specs);
  const id = await queuePublication(pool, userId, draftId, dryRun);
  return { ...(await waitForJob(pool, 'publications', id)), id, draftId };
}

/** Lines of a job's log through view_logs. */
export async function viewLogs(
  pool: pg.Pool,
  token: string,
): Promise<{ stream: string; log_line: string }[]> {
  const { rows } = await pool.query<{ stream: string; log_line: string }>(
    'select stream, log_line from view_logs($1)',
    [token],
  );
  return rows;
}

/**
 * A schema whose documents have every key location (top-level pointers such as `/id`) as a required integer,
 * so that the collection passes Flow's key checks.
 */
export function keyedSchema(key: readonly string[] = ['/id'], extra: object = {}): object {
  const fields = key.map((k) => k.slice(1));
  return {
    type: 'object',
    properties: Object.fromEntries(fields.map((f) => [f, { type: 'integer' }])),
    required: fields,
    ...extra,
  };
}

/** Specs of the catalog format used across tests (valid for Flow's checks: keys exist, lambdas have a module). */
export const spec = {
  collection: (key = ['/id'], extra: object = {}): object => ({ schema: keyedSchema(key), key, ...extra }),
  derivation: (...sources: string[]): object => ({
    schema: keyedSchema(),
    key: ['/id'],
    derivation: {
      typescript: { module: 'export class Derivation {}' },
      transform: Object.fromEntries(
        sources.map((s, i) => [`t${i}`, { source: { name: s }, publish: { lambda: 'typescript' } }]),
      ),
    },
  }),
  capture: (...targets: string[]): object => ({
    endpoint: { connector: { image: 'ghcr.io/estuary/source-hello-world:v1', config: {} } },
    bindings: targets.map((t) => ({ resource: { stream: t }, target: t })),
  }),
  materialization: (...sources: string[]): object => ({
    endpoint: {
      connector: { image: 'ghcr.io/estuary/materialize-postgres@sha256:' + 'a'.repeat(64), config: {} },
    },
    bindings: sources.map((s) => ({ source: s, resource: { table: s.replaceAll('/', '_') } })),
  }),
  test: (ingest: string, verify: string): object => [
    { ingest: { collection: ingest, documents: [{ id: 1 }] } },
    { verify: { collection: verify, documents: [{ id: 1 }] } },
  ],
};

/** The flowctl-go test double, linked into a fresh bin dir with its steering file. */
export function flowBinDir(behaviour: object = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flow-bin-'));
  symlinkSync(
    path.join(PROJECT_ROOT, 'test', 'fixtures', 'flow', 'flowctl-go'),
    path.join(dir, 'flowctl-go'),
  );
  writeFileSync(path.join(dir, 'flowctl-double.json'), JSON.stringify(behaviour));
  return dir;
}

/** A pool on a test database. */
export function poolOf(url: string): pg.Pool {
  return new pg.Pool({ connectionString: url, max: 4 });
}

/**
 * Starts a real agent process on a database, as the stack does (with tsx here, so tests run the sources
 * as they are), in control-plane-only mode unless `env` says otherwise.
 */
export function spawnAgentProcess(
  databaseUrl: string,
  name: string,
  extraArgs: readonly string[] = [],
  options: { stdio?: StdioOptions; env?: Record<string, string> } = {},
): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(PROJECT_ROOT, 'agent', 'src', 'main.ts'),
      '--database',
      databaseUrl,
      '--name',
      name,
      ...extraArgs,
    ],
    {
      cwd: PROJECT_ROOT,
      stdio: options.stdio ?? 'ignore',
      env: { ...process.env, BIN_DIR: '', ...options.env },
    },
  );
}

/** The flowctl-go double's temp-data-plane on unix sockets, which the agent activates builds into. */
export interface SocketDataPlane {
  /** Its temp dir: sockets, and the builds root (`builds/<pub id>`). */
  readonly dir: string;
  /** The agent options that point at it. */
  readonly addresses: { readonly brokerAddress: string; readonly consumerAddress: string };
  /** Stops it (by pid) and removes its dir. */
  stop(): void;
}

/** Starts the double's data plane from `binDir` and waits until its consumer socket exists (10 s at most). */
export async function startSocketDataPlane(binDir: string): Promise<SocketDataPlane> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flow-dp-'));
  const child = spawn(
    path.join(binDir, 'flowctl-go'),
    ['temp-data-plane', '--tempdir', dir, '--unix-sockets'],
    {
      stdio: 'ignore',
    },
  );
  const stop = (): void => {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!existsSync(path.join(dir, 'consumer.sock'))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      stop();
      throw new Error(`the data-plane double did not create ${dir}/consumer.sock within 10 s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    dir,
    addresses: {
      brokerAddress: `unix://localhost${dir}/gazette.sock`,
      consumerAddress: `unix://localhost${dir}/consumer.sock`,
    },
    stop,
  };
}
