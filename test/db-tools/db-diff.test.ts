import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { splitSql } from '../../main/db-tools/sql-split.js';
import { CLI_ENTRY } from '../../main/stack/project-paths.js';
import { runCli, type CliResult } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import { query } from '../support/sql.js';
import { startTestCluster, type TestCluster, type TestDatabase } from '../support/test-postgres.js';

/**
 * `db diff` and `db apply` against real databases: a target built from the migrations and then damaged the
 * way production drifts. The test cluster stands in for a running stack's cluster (its superuser password in
 * the data directory's secrets), so the scratch database is made there.
 */
// Each step is a CLI process (Node start-up, a scratch database, migra): minutes on a busy 2-core machine.
describe('flow-desktop db diff / db apply (real Postgres)', { timeout: 240_000 }, () => {
  let cluster: TestCluster;
  let work: string;
  let dataDir: string;
  let pendingDir: string;
  const databases: TestDatabase[] = [];

  const db = (args: readonly string[]): Promise<CliResult> =>
    runCli(['db', ...args, '--data-dir', dataDir, '--db-port', String(cluster.port)], {}, 180_000);
  const pendingFiles = (): string[] => (existsSync(pendingDir) ? readdirSync(pendingDir).sort() : []);
  const target = async (damage: string): Promise<TestDatabase> => {
    const made = await cluster.createDatabase({ seed: false });
    databases.push(made);
    await query(made.url, damage);
    return made;
  };

  beforeAll(async () => {
    cluster = await startTestCluster();
    work = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-db-diff-'));
    dataDir = path.join(work, 'data');
    mkdirSync(dataDir);
    // The cluster's superuser password, as a stack's data directory keeps it.
    const password = decodeURIComponent(new URL(cluster.adminUrl).password);
    writeFileSync(path.join(dataDir, 'secrets.json'), JSON.stringify({ superuserPassword: password }));
  });
  afterAll(async () => {
    for (const d of databases) await d.drop();
    await cluster?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('writes exactly what the target lacks (a table, a column, a policy); after applying it nothing is left', async () => {
    pendingDir = path.join(work, 'pending-1');
    const drifted = await target(`
      drop table public.draft_errors;
      alter table public.directives drop column single_use;
      drop policy "Admins of a tenant select it" on public.tenants;`);

    const diff = await db([
      'diff',
      '--target',
      drifted.url,
      '--name',
      'catch_up',
      '--pending-dir',
      pendingDir,
    ]);
    expect(diff.stderr).toMatch(
      /✓ connecting to postgresql:\/\/postgres@127\.0\.0\.1:\d+\/test_\w+ \(\d+\.\d\ds\)/,
    );
    expect(diff.stderr).toMatch(/✓ applying \d+ migrations \(head \d+_\w+\.sql\) \(\d+\.\d\ds\)/);
    expect(diff.stderr).toMatch(/✓ diffing public, internal against/);
    expect(diff.code, diff.stderr).toBe(0);
    const files = pendingFiles();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{14}_catch_up\.sql$/);
    const text = readFileSync(path.join(pendingDir, files[0]!), 'utf8');

    // (splitSql leaves out the semicolons.)
    // The header says what the statements were diffed against, without the password.
    expect(text).toContain(`-- flow-desktop pending migration: catch_up`);
    expect(text).toMatch(/^-- target: postgresql:\/\/postgres@127\.0\.0\.1:\d+\/test_\w+$/m);
    expect(text).toMatch(/^-- target server: PostgreSQL 17\.\d+$/m);
    expect(text).toMatch(/^-- migrations head: \d+_\w+\.sql$/m);
    expect(text).not.toContain('postgres:postgres@');

    // Every statement is about one of the three missing things, and each of them is there.
    const statements = (await splitSql(text)).map((s) => s.sql.replace(/\s+/g, ' '));
    const about = (s: string): string | null =>
      /draft_errors/.test(s)
        ? 'table'
        : /single_use/.test(s)
          ? 'column'
          : /Admins of a tenant select it/.test(s)
            ? 'policy'
            : /^set check_function_bodies/.test(s)
              ? 'setting'
              : null;
    expect(statements.filter((s) => about(s) === null)).toEqual([]);
    expect(statements).toContainEqual(expect.stringMatching(/^create table "public"\."draft_errors"/));
    expect(statements).toContainEqual(
      expect.stringMatching(/^alter table "public"\."draft_errors" enable row level security$/),
    );
    expect(statements).toContainEqual(
      expect.stringMatching(/^create policy "Users access errors of their own drafts"/),
    );
    expect(statements).toContainEqual(
      'grant select, delete on table "public"."draft_errors" to "authenticated"',
    );
    expect(statements).toContainEqual(
      expect.stringMatching(
        /^alter table "public"\."directives" add column "single_use" boolean not null default false/,
      ),
    );
    // The column's own grants (migra compares only table-level grants) and its comment come back too.
    expect(statements).toContainEqual(
      'grant insert ("single_use"), update ("single_use") on table "public"."directives" to "authenticated"',
    );
    expect(statements).toContainEqual(
      `comment on column "public"."directives"."single_use" is 'A single-use directive loses its token once exchanged.'`,
    );
    expect(statements).toContainEqual(
      expect.stringMatching(/^create policy "Admins of a tenant select it" on "public"\."tenants"/),
    );
    expect(text).not.toMatch(/^-- noise: /m);

    // The last diff is recorded for the GUI.
    const recorded = JSON.parse(readFileSync(path.join(dataDir, 'db-tools', 'last-diff.json'), 'utf8')) as {
      file: string;
      statements: number;
      scratch: string;
    };
    expect(recorded).toMatchObject({ file: files[0], statements: statements.length, scratch: 'stack' });

    const apply = await db(['apply', '--target', drifted.url, path.join(pendingDir, files[0]!), '--yes']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/^Applied \d{14}_catch_up\.sql to postgresql:\/\/postgres@/m);
    expect(
      await query(drifted.url, 'select file, statements from supabase_migrations.applied_pending_files'),
    ).toEqual([{ file: files[0], statements: statements.length }]);

    const again = await db(['diff', '--target', drifted.url, '--name', 'again', '--pending-dir', pendingDir]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(
      /^No changes: postgresql:\/\/postgres@127\.0\.0\.1:\d+\/test_\w+ matches the migrations/,
    );
    expect(pendingFiles()).toEqual(files);

    // Applying the same file twice is refused, and says when it was applied.
    const twice = await db(['apply', '--target', drifted.url, path.join(pendingDir, files[0]!), '--yes']);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(
      /^flow-desktop: \d+_catch_up\.sql was applied to postgresql:\/\/postgres@\S+ already, on \d{4}-\d\d-\d\d /m,
    );
  });

  it('converges drift in every direction: changed view and function, extra table and column, other grants', async () => {
    pendingDir = path.join(work, 'pending-4');
    const drifted = await target(`
      drop view public.drafts_ext;
      create view public.drafts_ext with (security_invoker = true) as select d.* from public.drafts d;
      grant select on public.drafts_ext to authenticated, anon;
      create or replace function public.view_logs(bearer_token uuid)
      returns table (log_line text, logged_at timestamptz, stream text, token uuid)
      language sql stable security definer set search_path = public, pg_temp
      as $$ select l.log_line, l.logged_at, l.stream, l.token from internal.log_lines l where l.token = bearer_token $$;
      grant execute on function public.view_logs(uuid) to anon;
      create table public.legacy_stuff (id int);
      alter table public.tenants add column legacy_flag boolean;
      alter table public.drafts alter column detail set default 'x';`);

    const diff = await db([
      'diff',
      '--target',
      drifted.url,
      '--name',
      'converge',
      '--pending-dir',
      pendingDir,
    ]);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain('destructive: drop table "public"."legacy_stuff"');
    expect(diff.stdout).toContain('destructive: alter table "public"."tenants" drop column "legacy_flag"');
    const [file] = pendingFiles();
    const statements = (await splitSql(readFileSync(path.join(pendingDir, file!), 'utf8'))).map((s) => s.sql);
    expect(statements).toContainEqual('revoke select on table "public"."drafts_ext" from "anon"');
    expect(statements).toContainEqual(
      'revoke execute on function "public"."view_logs"(bearer_token uuid) from "anon"',
    );
    expect(statements).toContainEqual(
      expect.stringMatching(/^comment on column "public"\."drafts_ext"\."num_specs" is /),
    );

    const apply = await db(['apply', '--target', drifted.url, path.join(pendingDir, file!), '--yes']);
    expect(apply.code, apply.stderr).toBe(0);
    const again = await db(['diff', '--target', drifted.url, '--name', 'again', '--pending-dir', pendingDir]);
    expect(again.stdout, again.stderr).toMatch(/^No changes: /);
    expect(pendingFiles()).toEqual([file]);
  });

  it('flags privileges that differ only in order as noise, and never applies them', async () => {
    pendingDir = path.join(work, 'pending-2');
    // Re-granting service_role moves it behind authenticated in the ACL of drafts: same privileges, other order.
    const reordered = await target(`
      revoke all on table public.drafts from service_role;
      grant all on table public.drafts to service_role;`);
    // A data directory without a stack: the scratch database gets a temporary cluster of its own.
    const bare = path.join(work, 'bare-data');
    const diffBare = (name: string): Promise<CliResult> =>
      runCli(
        [
          'db',
          'diff',
          '--target',
          reordered.url,
          '--name',
          name,
          '--pending-dir',
          pendingDir,
          '--data-dir',
          bare,
        ],
        {},
        180_000,
      );
    const noiseLines = [
      'revoke all privileges on table "public"."drafts" from "authenticated";',
      'grant select, delete on table "public"."drafts" to "authenticated";',
    ];

    const onlyNoise = await diffBare('noise_only');
    expect(onlyNoise.code, onlyNoise.stderr).toBe(0);
    expect(onlyNoise.stderr).toMatch(
      /✓ starting a temporary Postgres for the scratch database \(\d+\.\d\ds\)/,
    );
    expect(onlyNoise.stdout).toMatch(/^No changes: /);
    expect(onlyNoise.stdout).toContain('2 statements flagged as privilege-reordering noise (not applied):');
    for (const line of noiseLines) expect(onlyNoise.stdout).toContain(line);
    expect(pendingFiles()).toEqual([]);

    // With a real change beside it, the noise is written commented out and flagged in the header.
    await query(reordered.url, 'comment on table public.tenants is null');
    const withChange = await diffBare('comment');
    expect(withChange.code, withChange.stderr).toBe(0);
    const [file] = pendingFiles();
    const text = readFileSync(path.join(pendingDir, file!), 'utf8');
    expect(text).toMatch(/^-- statements: 1 to apply, 0 destructive, 2 flagged as noise$/m);
    for (const line of noiseLines) expect(text).toContain(`\n-- noise: ${line}\n`);
    expect((await splitSql(text)).map((s) => s.sql)).toEqual([
      `comment on table "public"."tenants" is 'Tenants: the top-level prefixes of the catalog, each owned by an organization.'`,
    ]);

    const apply = await runCli(
      ['db', 'apply', '--target', reordered.url, path.join(pendingDir, file!), '--yes', '--data-dir', bare],
      {},
      60_000,
    );
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('2 noise lines stay commented out (not applied)');
    // The order is still the target's own: the noise was not run.
    const acl = await query<{ acl: string }>(
      reordered.url,
      `select relacl::text as acl from pg_class where oid = 'public.drafts'::regclass`,
    );
    expect(acl[0]!.acl).toMatch(/authenticated=rd\/postgres,service_role=/);

    const after = await diffBare('after');
    expect(after.stdout).toMatch(/^No changes: /);
    expect(after.stdout).toContain('2 statements flagged as privilege-reordering noise');
    expect(pendingFiles()).toEqual([file]);
  });

  it('says in one line when the target cannot be reached, and never shows its password', async () => {
    const port = await freePort();
    const result = await db(['diff', '--target', `postgresql://postgres:s3cret@127.0.0.1:${port}/postgres`]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n').at(-1)).toBe(
      `flow-desktop: cannot connect to postgresql://postgres@127.0.0.1:${port}/postgres: connection refused (nothing listens on that host and port)`,
    );
    expect(result.stderr + result.stdout).not.toContain('s3cret');

    const notUrl = await db(['diff', '--target', 'prod-db']);
    expect(notUrl.code).toBe(1);
    expect(notUrl.stderr.trim()).toBe(
      'flow-desktop: --target is not a URL; expected postgresql://user:pass@host:port/db',
    );

    const applyUnreachable = await db([
      'apply',
      '--target',
      `postgresql://postgres:s3cret@127.0.0.1:${port}/postgres`,
      path.join(work, 'missing.sql'),
      '--yes',
    ]);
    expect(applyUnreachable.code).toBe(1);
    expect(applyUnreachable.stderr.trim()).toMatch(/^flow-desktop: \S+missing\.sql does not exist$/);
  });

  it('asks before applying: y/N in a terminal; without one and without --yes it refuses', async () => {
    pendingDir = path.join(work, 'pending-3');
    const drifted = await target('drop policy "Admins of a tenant select it" on public.tenants');
    const other = await target('select 1');
    expect((await db(['diff', '--target', drifted.url, '--pending-dir', pendingDir])).code).toBe(0);
    const [file] = pendingFiles();
    const full = path.join(pendingDir, file!);

    const unconfirmed = await db(['apply', '--target', drifted.url, full]);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr.trim().split('\n').at(-1)).toMatch(/pass --yes$/);
    const policies = `select count(*)::int as n from pg_policies where policyname = 'Admins of a tenant select it'`;
    expect(await query(drifted.url, policies)).toEqual([{ n: 0 }]);

    // A file diffed against one database is not applied to another.
    const elsewhere = await db(['apply', '--target', other.url, full, '--yes']);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toMatch(
      /was diffed against postgresql:\/\/postgres@127\.0\.0\.1:\d+\/test_\w+, not /,
    );

    // In a terminal (a pseudo-terminal from util-linux's script), the y/N prompt decides.
    const answer = (reply: string): Promise<{ code: number; output: string }> =>
      new Promise((resolve, reject) => {
        const args = [
          'db',
          'apply',
          '--target',
          drifted.url,
          full,
          '--data-dir',
          dataDir,
          '--db-port',
          String(cluster.port),
        ];
        const command = [process.execPath, CLI_ENTRY, ...args].map((a) => `'${a}'`).join(' ');
        const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          // Answer once the question is asked.
          if (output.includes('[y/N]') && !child.stdin.writableEnded) child.stdin.end(`${reply}\n`);
        });
        child.once('error', reject);
        child.once('close', (code) => resolve({ code: code ?? -1, output }));
      });
    const no = await answer('n');
    expect(no.output).toMatch(/Apply to postgresql:\/\/postgres@127\.0\.0\.1:\d+\/test_\w+\? \[y\/N\]/);
    expect(no.output).toContain('flow-desktop: not applied (cancelled)');
    expect(no.code).toBe(1);
    expect(await query(drifted.url, policies)).toEqual([{ n: 0 }]);
    const yes = await answer('y');
    expect(yes.output).toMatch(/Applied \d{14}_diff\.sql to /);
    expect(yes.code).toBe(0);
    expect(await query(drifted.url, policies)).toEqual([{ n: 1 }]);
  });
});
