import { describe, expect, it } from 'vitest';

import { findDatabaseTests, toReport } from '../../main/db-tools/database-tests.js';
import { hoistDomains } from '../../main/db-tools/migra-diff.js';
import { parsePendingFile, pendingFileName, renderPendingFile } from '../../main/db-tools/pending-file.js';
import type { AclItem, AclObject } from '../../main/db-tools/privilege-catalog.js';
import { diffPrivileges } from '../../main/db-tools/privilege-diff.js';
import { classifyPrivilegeNoise } from '../../main/db-tools/privilege-noise.js';
import { droppedObject, isDestructive } from '../../main/db-tools/sql-names.js';
import { splitSql, SqlSyntaxError } from '../../main/db-tools/sql-split.js';
import { createdViews, diffViewOptions } from '../../main/db-tools/view-options-diff.js';
import { describeConnectError, parseTarget } from '../../main/db-tools/target-database.js';

const item = (grantee: string, privilege: string, grantable = false): AclItem => ({
  grantee,
  privilege,
  grantable,
});
const table = (items: AclItem[], owner = 'postgres'): AclObject => ({
  kind: 'table',
  schema: 'public',
  name: 'drafts',
  column: null,
  args: null,
  owner,
  items,
});
const NO_DEFAULTS = { role: 'postgres', entries: [] };
const ROLES = new Set(['postgres', 'authenticated', 'service_role', 'anon']);
const diff = (desired: AclObject[], current: AclObject[]): ReturnType<typeof diffPrivileges> =>
  diffPrivileges(
    { desired, current, currentDefaults: NO_DEFAULTS, recreated: new Set(), currentVersion: 170000 },
    ROLES,
  );

describe('splitSql (Postgres parser, libpg_query)', () => {
  it('splits at top-level semicolons only, with the line each statement starts on', async () => {
    const script = [
      '-- a comment; not a statement',
      'create table t (note text default \'a;b\', "odd;name" int);',
      'create function f() returns int language plpgsql as $body$ begin return 1; end $body$;',
      "/* block; /* nested; */ still comment */ select E'it\\'s; fine', $$x;y$$;",
      'select 1',
    ].join('\n');
    expect((await splitSql(script)).map(({ sql, line }) => ({ sql, line }))).toEqual([
      { sql: 'create table t (note text default \'a;b\', "odd;name" int)', line: 2 },
      {
        sql: 'create function f() returns int language plpgsql as $body$ begin return 1; end $body$',
        line: 3,
      },
      { sql: "select E'it\\'s; fine', $$x;y$$", line: 4 },
      { sql: 'select 1', line: 5 },
    ]);
  });

  it('never cuts a BEGIN ATOMIC body, and counts lines past multi-byte text', async () => {
    const script = [
      "comment on table t is 'Ünïcödé – “quoted”; fine';",
      'create function g(a int) returns int language sql',
      'begin atomic',
      '  select a + 1;',
      '  select a + 2; -- a comment; inside',
      'end;',
      'create view v as select g(1);',
    ].join('\n');
    expect(await splitSql(script)).toEqual([
      { sql: "comment on table t is 'Ünïcödé – “quoted”; fine'", line: 1, kind: 'CommentStmt' },
      {
        sql: 'create function g(a int) returns int language sql\nbegin atomic\n  select a + 1;\n  select a + 2; -- a comment; inside\nend',
        line: 2,
        kind: 'CreateFunctionStmt',
      },
      { sql: 'create view v as select g(1)', line: 7, kind: 'ViewStmt' },
    ]);
  });

  it('treats $1 parameters as no dollar quote, ignores comment-only scripts, and names syntax errors', async () => {
    expect((await splitSql('select $1; select 2;')).map((s) => s.sql)).toEqual(['select $1', 'select 2']);
    expect(await splitSql('-- only\n-- comments\n')).toEqual([]);
    expect((await splitSql('begin; commit;')).map((s) => s.kind)).toEqual([
      'TransactionStmt',
      'TransactionStmt',
    ]);
    await expect(splitSql("select 1;\nselect 'unterminated")).rejects.toThrow(
      /^syntax error at line 2: unterminated quoted string/,
    );
    await expect(splitSql('create tabel t ();')).rejects.toBeInstanceOf(SqlSyntaxError);
  });
});

describe('privilege diff and noise', () => {
  it('emits minimal grants and revokes for different sets, none of them noise', () => {
    const result = diff(
      [table([item('authenticated', 'SELECT'), item('authenticated', 'DELETE')])],
      [table([item('authenticated', 'SELECT'), item('anon', 'SELECT'), item('postgres', 'SELECT')])],
    );
    expect(result.statements.map((s) => s.sql)).toEqual([
      'revoke select on table "public"."drafts" from "anon";',
      'grant delete on table "public"."drafts" to "authenticated";',
    ]);
    expect(classifyPrivilegeNoise(result.statements, result.before)).toEqual(new Set());
  });

  it('turns equal sets in another order into REVOKE/GRANT pairs that are all noise', () => {
    const result = diff(
      [
        table([
          item('service_role', 'SELECT'),
          item('authenticated', 'SELECT'),
          item('authenticated', 'DELETE'),
        ]),
      ],
      [
        table([
          item('authenticated', 'SELECT'),
          item('authenticated', 'DELETE'),
          item('service_role', 'SELECT'),
        ]),
      ],
    );
    expect(result.statements.map((s) => s.sql)).toEqual([
      'revoke all privileges on table "public"."drafts" from "authenticated";',
      'grant select, delete on table "public"."drafts" to "authenticated";',
    ]);
    expect(classifyPrivilegeNoise(result.statements, result.before)).toEqual(new Set([0, 1]));
  });

  it('does not call a pair noise when it changes what the role holds', () => {
    const before = new Map([['table public.drafts', [item('authenticated', 'SELECT')]]]);
    const statements = [
      {
        sql: '',
        objectKey: 'table public.drafts',
        grantee: 'authenticated',
        action: 'revoke' as const,
        privileges: ['ALL'],
        withGrantOption: false,
      },
      {
        sql: '',
        objectKey: 'table public.drafts',
        grantee: 'authenticated',
        action: 'grant' as const,
        privileges: ['SELECT', 'INSERT'],
        withGrantOption: false,
      },
    ];
    expect(classifyPrivilegeNoise(statements, before)).toEqual(new Set());
    // The same pair restoring exactly what was there is noise.
    expect(
      classifyPrivilegeNoise([statements[0]!, { ...statements[1]!, privileges: ['SELECT'] }], before),
    ).toEqual(new Set([0, 1]));
  });

  it('handles grant options and owners: owners are left out, options are granted and revoked alone', () => {
    const result = diff(
      [table([item('postgres', 'SELECT'), item('authenticated', 'SELECT', true)])],
      [table([item('supabase_admin', 'SELECT'), item('authenticated', 'SELECT')], 'supabase_admin')],
    );
    expect(result.statements.map((s) => s.sql)).toEqual([
      'grant select on table "public"."drafts" to "authenticated" with grant option;',
    ]);
    const back = diff(
      [table([item('authenticated', 'SELECT')])],
      [table([item('authenticated', 'SELECT', true)])],
    );
    expect(back.statements.map((s) => s.sql)).toEqual([
      'revoke grant option for select on table "public"."drafts" from "authenticated";',
    ]);
  });

  it('starts new objects from the target’s default privileges, and reports roles the target lacks', () => {
    const fn: AclObject = {
      kind: 'function',
      schema: 'public',
      name: 'f',
      column: null,
      args: 'a integer',
      owner: 'postgres',
      items: [item('authenticated', 'EXECUTE'), item('stats_loader', 'EXECUTE')],
    };
    const result = diff([fn], []);
    expect(result.statements.map((s) => s.sql)).toEqual([
      'revoke execute on function "public"."f"(a integer) from public;',
      'grant execute on function "public"."f"(a integer) to "authenticated";',
      'grant execute on function "public"."f"(a integer) to "stats_loader";',
    ]);
    expect(result.missingRoles).toEqual(['stats_loader']);
  });

  it('leaves MAINTAIN out for targets older than Postgres 17', () => {
    const result = diffPrivileges(
      {
        desired: [table([item('service_role', 'SELECT'), item('service_role', 'MAINTAIN')])],
        current: [table([item('service_role', 'SELECT')])],
        currentDefaults: NO_DEFAULTS,
        recreated: new Set(),
        currentVersion: 150008,
      },
      ROLES,
    );
    expect(result.statements).toEqual([]);
  });
});

describe('pending files', () => {
  const meta = {
    name: 'catch_up',
    target: 'postgresql://postgres@db.example.com:5432/postgres',
    targetServer: 'PostgreSQL 15.8',
    generatedAt: '2025-01-02T03:04:05.000Z',
    migrationsHead: '20240101001000_queue_notifications.sql',
    migrationsChecksum: 'sha256:abc',
    schemas: ['public', 'internal'],
    warnings: ['role "stats_loader" does not exist on the target'],
  };

  it('round-trips: the header, the statements to apply, the destructive ones and the noise', async () => {
    const text = renderPendingFile(meta, [
      { sql: 'drop table "public"."old"', section: 'schema', noise: false, destructive: true },
      { sql: 'create table "public"."new" (id int)', section: 'schema', noise: false, destructive: false },
      {
        sql: 'revoke all privileges on table "public"."t" from "x";',
        section: 'privileges',
        noise: true,
        destructive: false,
      },
      {
        sql: `comment on table "public"."new" is 'It''s new; really.';`,
        section: 'comments',
        noise: false,
        destructive: false,
      },
    ]);
    expect(text).toContain('-- statements: 3 to apply, 1 destructive, 1 flagged as noise\n');
    expect(text).toContain('-- destructive: drop table "public"."old"\n');
    expect(text).toContain('-- warning: role "stats_loader" does not exist on the target\n');
    expect(text).not.toContain('password');
    const parsed = await parsePendingFile(text);
    expect(parsed.header).toEqual({
      name: 'catch_up',
      target: meta.target,
      targetServer: meta.targetServer,
      generatedAt: meta.generatedAt,
      migrationsHead: meta.migrationsHead,
      migrationsChecksum: meta.migrationsChecksum,
      schemas: ['public', 'internal'],
    });
    expect(parsed.statements).toEqual([
      'drop table "public"."old"',
      'create table "public"."new" (id int)',
      `comment on table "public"."new" is 'It''s new; really.'`,
    ]);
    expect(parsed.destructive).toEqual(['drop table "public"."old"']);
    expect(parsed.noise).toEqual(['revoke all privileges on table "public"."t" from "x";']);
  });

  it('reads a hand-written file without a header, and names files by UTC time', async () => {
    expect(await parsePendingFile('alter table x add column y int;\n')).toMatchObject({
      header: null,
      statements: ['alter table x add column y int'],
      destructive: [],
      noise: [],
      syntaxError: null,
    });
    expect(await parsePendingFile('alter table x add column y int\n  oops;\n')).toMatchObject({
      statements: [],
      syntaxError: 'syntax error at line 2: syntax error at or near "oops"',
    });
    expect(pendingFileName('add_y', new Date('2025-03-04T05:06:07.890Z'))).toBe('20250304050607_add_y.sql');
  });
});

describe('statement helpers and targets', () => {
  it('creates new domains before the first new table (migra puts them after)', () => {
    expect(
      hoistDomains([
        'create type "public"."e" as enum (\'a\')',
        'create table "public"."t" ("id" "public"."d")',
        'create domain "public"."d" as text',
        'alter table "public"."t" enable row level security',
      ]),
    ).toEqual([
      'create type "public"."e" as enum (\'a\')',
      'create domain "public"."d" as text',
      'create table "public"."t" ("id" "public"."d")',
      'alter table "public"."t" enable row level security',
    ]);
    expect(hoistDomains(['create domain "public"."d" as text'])).toEqual([
      'create domain "public"."d" as text',
    ]);
  });

  it('recognises drops, as objects to re-create and as destructive statements', () => {
    expect(droppedObject('drop view if exists "public"."a""b"')).toEqual({
      kind: 'view',
      name: 'public.a"b',
    });
    expect(droppedObject('drop function "internal"."f"(integer)')).toEqual({
      kind: 'function',
      name: 'internal.f',
    });
    expect(droppedObject('drop policy "p" on "public"."t"')).toBeNull();
    expect(isDestructive('alter table "public"."t" drop column "c"')).toBe(true);
    expect(isDestructive('alter table "public"."t" drop constraint "c"')).toBe(false);
    expect(isDestructive('create table t (id int)')).toBe(false);
  });

  it('parses a target URL and never keeps its password in what it shows', () => {
    expect(parseTarget('postgresql://admin:p%40ss@db.example.com:6543/prod?sslmode=require')).toEqual({
      url: 'postgresql://admin:p%40ss@db.example.com:6543/prod?sslmode=require',
      display: 'postgresql://admin@db.example.com:6543/prod',
      identity: 'db.example.com:6543/prod',
    });
    expect(parseTarget('postgres://db.example.com').display).toBe(
      'postgresql://postgres@db.example.com:5432/postgres',
    );
    expect(() => parseTarget('mysql://x@y/z')).toThrow('--target must be a postgresql:// URL, not mysql://');
    expect(() => parseTarget(undefined)).toThrow('give the database to compare with');
    expect(describeConnectError({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND db' })).toBe(
      'the host name does not resolve',
    );
    expect(
      describeConnectError({ code: '28P01', message: 'password authentication failed for user "x"' }),
    ).toBe('password authentication failed for user "x" (check the password in --target)');
  });
});

describe('database test reports', () => {
  it('turns vitest’s JSON report into counts and per-test results with the first line of a failure', () => {
    const report = toReport(
      {
        startTime: Date.parse('2025-01-01T00:00:00Z'),
        testResults: [
          {
            name: '/repo/supabase/tests/rls.test.ts',
            assertionResults: [
              { fullName: 'rls a', status: 'passed', duration: 5 },
              {
                fullName: 'rls b',
                status: 'failed',
                duration: 7,
                failureMessages: ['expected 1 to be 2\n at x'],
              },
              { fullName: 'rls c', status: 'skipped' },
            ],
          },
        ],
      },
      '/repo',
      Date.now(),
    );
    expect(report).toMatchObject({ at: '2025-01-01T00:00:00.000Z', passed: 1, failed: 1, skipped: 1 });
    expect(report.tests[1]).toEqual({
      file: 'supabase/tests/rls.test.ts',
      name: 'rls b',
      status: 'failed',
      durationMs: 7,
      failure: 'expected 1 to be 2',
    });
    expect(report.tests[2]?.durationMs).toBeNull();
  });

  it('finds no database tests where there is no checkout (a packaged app)', () => {
    expect(findDatabaseTests('/nonexistent/app/resources')).toBeNull();
  });
});

describe('view options (migra creates views without them)', () => {
  it('sets the options of created views and the difference of existing ones', () => {
    const created = createdViews([
      'create or replace view "public"."a" as select 1',
      'drop view if exists "public"."b";',
      'create view "public"."we""ird" as select 2',
    ]);
    expect([...created]).toEqual(['public.a', 'public.we"ird']);
    const desired = new Map([
      ['public.a', ['security_invoker=true']],
      ['public.c', ['security_invoker=true']],
      ['public.d', []],
      ['public.e', ['security_invoker=true']],
    ]);
    const current = new Map([
      ['public.a', ['security_invoker=true']],
      ['public.c', []],
      ['public.d', ['security_barrier=true']],
      ['public.e', ['security_invoker=true']],
    ]);
    expect(diffViewOptions(desired, current, created)).toEqual([
      'alter view "public"."a" set (security_invoker=true)',
      'alter view "public"."c" set (security_invoker=true)',
      'alter view "public"."d" reset (security_barrier)',
    ]);
  });
});
