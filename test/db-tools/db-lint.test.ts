import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runCli, type CliResult } from '../support/cli.js';
import { startTestCluster, type TestCluster } from '../support/test-postgres.js';

// Every rule broken once, by objects of the first file; the second file breaks the keyword style.
const BAD_TYPES = `create schema internal;
comment on schema internal is 'Internals.';
grant usage on schema internal to authenticated;

create table public.widgets (id int primary key, name text);
comment on column public.widgets.id is 'Id of the widget.';

create table public.gadgets (id int primary key);
alter table public.gadgets enable row level security;
comment on table public.gadgets is 'Gadgets.';
comment on column public.gadgets.id is 'Id of the gadget.';
grant select on public.gadgets to anon;

create view public.gadgets_ext as select id from public.gadgets;
comment on view public.gadgets_ext is 'Gadgets, evaluated as their owner.';
comment on column public.gadgets_ext.id is 'Id of the gadget.';
grant select on public.gadgets_ext to authenticated;

create function public.peek() returns int language sql security definer as 'select 1';
comment on function public.peek() is 'Runs as its owner.';

create table public.jobs (id int primary key, job_status jsonb not null, logs_token uuid not null);
alter table public.jobs enable row level security;
comment on table public.jobs is 'An async table.';
comment on column public.jobs.id is 'Id.';
comment on column public.jobs.job_status is 'Status.';
comment on column public.jobs.logs_token is 'Logs.';
`;
const SHOUTING = `comment on table public.widgets is 'Widgets.';
CREATE TABLE public.noisy (id int primary key);
alter table public.noisy enable row level security;
comment on table public.noisy is 'Written in capitals.';
comment on column public.noisy.id is 'Id.';
`;

describe('flow-desktop db lint (real Postgres)', () => {
  let cluster: TestCluster;
  let work: string;
  let dataDir: string;
  const lint = (args: readonly string[] = []): Promise<CliResult> =>
    runCli(['db', 'lint', ...args, '--data-dir', dataDir, '--db-port', String(cluster.port)], {}, 180_000);

  beforeAll(async () => {
    cluster = await startTestCluster();
    work = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-db-lint-'));
    dataDir = path.join(work, 'data');
    mkdirSync(dataDir);
    const password = decodeURIComponent(new URL(cluster.adminUrl).password);
    writeFileSync(path.join(dataDir, 'secrets.json'), JSON.stringify({ superuserPassword: password }));
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('passes the project’s own migrations', async () => {
    const result = await lint();
    expect(result.stdout).toMatch(/^No findings: \d+ migrations pass 9 rules\.$/m);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('finds every broken rule in a bad migration set, one line per finding with its file and object', async () => {
    const dir = path.join(work, 'bad-migrations');
    mkdirSync(dir);
    writeFileSync(path.join(dir, '20240101000000_bad.sql'), BAD_TYPES);
    writeFileSync(path.join(dir, '20240102000000_shouting.sql'), SHOUTING);

    const result = await lint(['--migrations-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(
      /^flow-desktop: lint found \d+ problems in 2 migrations$/,
    );
    const lines = result.stdout.trim().split('\n');
    const bad = '20240101000000_bad.sql';
    expect(lines).toEqual(
      expect.arrayContaining([
        `${bad}: table public.widgets: row-level security is not enabled (every public table needs it) [rls-disabled]`,
        `${bad}: column public.widgets.name: has no comment [missing-comment]`,
        // postgres has BYPASSRLS, as on Supabase.
        `${bad}: view public.gadgets_ext: selectable by the API roles but evaluated as its owner postgres, which bypasses RLS; use security_invoker = true [view-bypasses-rls]`,
        `${bad}: table public.gadgets: anon holds privileges on it (anon gets nothing; grant to authenticated explicitly) [anon-privileges]`,
        `${bad}: function public.peek(): security definer function executable by anon (revoke execute from public, grant to authenticated) [definer-executable-by-anon]`,
        `${bad}: function public.peek(): security definer function without "set search_path" (callers could substitute objects it uses) [definer-search-path]`,
        `${bad}: schema internal: authenticated has usage on it (internal holds what the API must not expose) [internal-exposed]`,
        `${bad}: table public.jobs: async table missing from the supabase_realtime publication [async-table-realtime]`,
        `${bad}: table public.jobs: async table without an insert trigger to notify the agents (queue notifications) [async-table-realtime]`,
        '20240102000000_shouting.sql: statement at line 2: starts with upper-case CREATE; the migrations use lower-case keywords [lower-case-keywords]',
      ]),
    );
    // The comment the second file adds counts: the table is not reported, only the column of the first file.
    expect(lines.filter((l) => l.includes('table public.widgets: has no comment'))).toEqual([]);
    // Nothing of the bootstrap (auth, extensions) is blamed on the migrations.
    expect(lines.filter((l) => !l.startsWith('2024010'))).toEqual([]);

    // The report is kept for the GUI.
    const saved = JSON.parse(readFileSync(path.join(dataDir, 'db-tools', 'lint.json'), 'utf8')) as {
      findings: unknown[];
    };
    expect(saved.findings).toHaveLength(lines.length);
  });

  it('names the file and line of a migration that does not apply', async () => {
    const dir = path.join(work, 'broken-migrations');
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, '20240101000000_broken.sql'),
      'create table public.a (id int);\ncreate tabel b;\n',
    );
    const result = await lint(['--migrations-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n').at(-1)).toBe(
      'flow-desktop: migration 20240101000000_broken.sql:2: syntax error at or near "tabel" (SQLSTATE 42601)',
    );
  });
});
