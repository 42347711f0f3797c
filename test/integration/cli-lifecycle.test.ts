import net from 'node:net';
import { statSync } from 'node:fs';
import path from 'node:path';

import { jwtVerify } from 'jose';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';

import { isAlive } from '../../main/process/process-group.js';
import { TestStack } from '../support/cli.js';

describe('flow-desktop CLI lifecycle (real Postgres)', () => {
  const stacks: TestStack[] = [];
  afterEach(async () => {
    await Promise.all(stacks.splice(0).map((s) => s.cleanup()));
  });
  const newStack = async (): Promise<TestStack> => {
    const stack = await TestStack.create();
    stacks.push(stack);
    return stack;
  };

  it('up --detach, status, down: a full cycle', async () => {
    const stack = await newStack();
    const up = await stack.cli(['up', '--detach']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/✓ postgres healthy \(\d+\.\d+s\)/);
    expect(up.stdout).toMatch(/✓ migrate completed/);

    const status = await stack.status();
    expect(status.state).toBe('running');
    expect(status.DB_URL).toBe(`postgresql://postgres:postgres@127.0.0.1:${stack.dbPort}/postgres`);
    const [postgres, migrate] = status.services;
    expect(postgres).toMatchObject({ name: 'postgres', state: 'healthy', port: stack.dbPort, restarts: 0 });
    expect(migrate).toMatchObject({ name: 'migrate', state: 'completed', pid: null });
    expect(isAlive(postgres!.pid!)).toBe(true);
    expect(status.pid).toBe(stack.supervisorPid());

    // The keys are HS256 JWTs signed with the data directory's secret, with the Supabase role claims.
    const secret = new TextEncoder().encode(status.JWT_SECRET);
    expect((await jwtVerify(status.ANON_KEY, secret)).payload.role).toBe('anon');
    expect((await jwtVerify(status.SERVICE_ROLE_KEY, secret)).payload.role).toBe('service_role');
    // Secrets and the control token are owner-only.
    expect(statSync(path.join(stack.dataDir, 'secrets.json')).mode & 0o077).toBe(0);
    expect(statSync(path.join(stack.dataDir, 'run', 'control.json')).mode & 0o077).toBe(0);

    // The database answers as the non-superuser migration owner, with the bootstrap applied.
    const client = new pg.Client({ connectionString: status.DB_URL });
    await client.connect();
    const { rows } = await client.query<{ roles: string[] }>(
      `select array_agg(rolname::text order by rolname) as roles from pg_roles
       where rolname in ('anon', 'authenticated', 'service_role', 'authenticator')`,
    );
    await client.end();
    expect(rows[0]?.roles).toEqual(['anon', 'authenticated', 'authenticator', 'service_role']);

    const env = await stack.cli(['status', '-o', 'env']);
    expect(env.stdout).toContain(`DB_URL="${status.DB_URL}"`);
    expect(env.stdout).toContain(`ANON_KEY="${status.ANON_KEY}"`);

    const again = await stack.cli(['up', '--detach']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already running/);

    const supervisor = stack.supervisorPid()!;
    const down = await stack.cli(['down']);
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/Stack stopped in \d+\.\d+s/);
    expect(isAlive(supervisor)).toBe(false);
    expect(isAlive(postgres!.pid!)).toBe(false);

    const after = await stack.status();
    expect(after.running).toBe(false);
    expect(after.services.length).toBeGreaterThanOrEqual(2);
    expect(after.services.every((s) => s.state === 'stopped')).toBe(true);
    // Ports are sticky: the stopped stack still reports the port it ran on, without the flag.
    expect(after.DB_URL).toBe(status.DB_URL);
  });

  it('refuses to start when a port is taken, naming the port and its holder', async () => {
    const stack = await newStack();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(stack.dbPort, '127.0.0.1', resolve));
    try {
      const up = await stack.cli(['up', '--detach']);
      expect(up.code).toBe(1);
      expect(up.stdout + up.stderr).toContain(
        `port ${stack.dbPort} for postgres is in use by node (pid ${process.pid}); stop it or choose another port with --db-port`,
      );
      expect(stack.supervisorPid()).toBeNull();
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('runs two data directories side by side on different ports', async () => {
    const [a, b] = [await newStack(), await newStack()];
    const [upA, upB] = await Promise.all([a.cli(['up', '--detach']), b.cli(['up', '--detach'])]);
    expect(upA.code).toBe(0);
    expect(upB.code).toBe(0);
    const [sa, sb] = [await a.status(), await b.status()];
    expect(sa.services[0]?.port).toBe(a.dbPort);
    expect(sb.services[0]?.port).toBe(b.dbPort);
    expect(sa.pid).not.toBe(sb.pid);
    expect(sa.JWT_SECRET).not.toBe(sb.JWT_SECRET);
    // Each database is its own: a table made in one is absent from the other.
    const ca = new pg.Client({ connectionString: sa.DB_URL });
    const cb = new pg.Client({ connectionString: sb.DB_URL });
    await Promise.all([ca.connect(), cb.connect()]);
    await ca.query('create table only_here (x int)');
    const { rows } = await cb.query(`select to_regclass('public.only_here') as t`);
    await Promise.all([ca.end(), cb.end()]);
    expect(rows[0]).toEqual({ t: null });
    expect((await a.cli(['down'])).code).toBe(0);
    expect((await b.status()).state).toBe('running');
  });

  it('restarts one service on request and shows logs, with one-line errors for mistakes', async () => {
    const stack = await newStack();
    expect((await stack.cli(['up', '--detach'])).code).toBe(0);
    const before = (await stack.status()).services[0]!.pid;
    const restart = await stack.cli(['restart', 'postgres']);
    expect(restart.code).toBe(0);
    expect(restart.stdout).toMatch(/^postgres: healthy/);
    const after = (await stack.status()).services[0]!;
    expect(after.pid).not.toBe(before);
    expect(after.restarts).toBe(1);

    const logs = await stack.cli(['logs', 'postgres', '-n', '200']);
    expect(logs.stdout).toContain('[supervisor] restarting: restart requested by the user');
    expect(logs.stdout).toMatch(/database system is ready to accept connections/);
    const json = await stack.cli(['logs', 'migrate', '--json', '-n', '5']);
    const lines = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { service: string });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.service === 'migrate')).toBe(true);

    const unknown = await stack.cli(['restart', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /^flow-desktop: no service "nope"; services: postgres, migrate(, [a-z0-9-]+)*\n$/,
    );
    const badFormat = await stack.cli(['status', '-o', 'yaml']);
    expect(badFormat.code).toBe(1);
    expect(badFormat.stderr.trim().split('\n')).toHaveLength(1);

    expect((await stack.cli(['down'])).code).toBe(0);
    const notRunning = await stack.cli(['restart', 'postgres']);
    expect(notRunning.stderr).toBe(
      'flow-desktop: the stack is not running; start it with `flow-desktop up`\n',
    );
    // Logs of a stopped stack come from the files in the data directory.
    const offline = await stack.cli(['logs', 'postgres', '-n', '3']);
    expect(offline.code).toBe(0);
    expect(offline.stdout).toMatch(/database system is shut down/);
  });
});
