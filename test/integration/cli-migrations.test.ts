import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { SUPABASE_DIR } from '../../main/stack/project-paths.js';
import { TestStack } from '../support/cli.js';
import { query } from '../support/sql.js';

const FIRST = `create table public.runs (id serial primary key, note text not null);
insert into public.runs (note) values ('first migration');
`;

describe('flow-desktop migrations, seed and reset (real Postgres)', () => {
  let supabaseDir: string;
  let stack: TestStack;
  const migration = (name: string, sql: string): void =>
    writeFileSync(path.join(supabaseDir, 'migrations', name), sql);

  beforeEach(async () => {
    // A project of its own: the real bootstrap, small migrations and a seed that leave countable traces.
    supabaseDir = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-supabase-'));
    cpSync(path.join(SUPABASE_DIR, 'bootstrap'), path.join(supabaseDir, 'bootstrap'), { recursive: true });
    mkdirSync(path.join(supabaseDir, 'migrations'));
    migration('20240101000000_runs.sql', FIRST);
    writeFileSync(path.join(supabaseDir, 'seed.sql'), `insert into public.runs (note) values ('seed');\n`);
    // No agents: this project has no control-plane tables for them to work on.
    stack = await TestStack.create({ FLOW_DESKTOP_SUPABASE_DIR: supabaseDir, FLOW_DESKTOP_AGENTS: '0' });
  });
  afterEach(async () => {
    await stack.cleanup();
    rmSync(supabaseDir, { recursive: true, force: true });
  });

  it('applies each migration exactly once, with its checksum, and the seed only on a fresh database', async () => {
    expect((await stack.cli(['up', '--detach'])).code).toBe(0);
    const { DB_URL } = await stack.status();
    expect(await query(DB_URL, 'select note from runs order by id')).toEqual([
      { note: 'first migration' },
      { note: 'seed' },
    ]);
    expect(
      await query(DB_URL, 'select version, name, checksum from supabase_migrations.schema_migrations'),
    ).toEqual([
      { version: '20240101000000', name: 'runs', checksum: createHash('sha256').update(FIRST).digest('hex') },
    ]);
    expect((await stack.cli(['down'])).code).toBe(0);

    migration('20240102000000_more.sql', `insert into public.runs (note) values ('second migration');\n`);
    const up = await stack.cli(['up', '--detach']);
    expect(up.code).toBe(0);
    expect(await query(DB_URL, 'select note from runs order by id')).toEqual([
      { note: 'first migration' },
      { note: 'seed' },
      { note: 'second migration' },
    ]);
    // The log file keeps both runs: the first file and the seed were applied once, in the first run only.
    const log = readFileSync(path.join(stack.dataDir, 'logs', 'migrate.log'), 'utf8');
    expect(log.match(/applied migration 20240101000000_runs\.sql/g)).toHaveLength(1);
    expect(log.match(/applied migration 20240102000000_more\.sql/g)).toHaveLength(1);
    expect(log.match(/seed applied/g)).toHaveLength(1);
  });

  it('refuses to start when an applied migration changed, and reset rebuilds from the files', async () => {
    expect((await stack.cli(['up', '--detach'])).code).toBe(0);
    expect((await stack.cli(['down'])).code).toBe(0);
    migration('20240101000000_runs.sql', `${FIRST}insert into public.runs (note) values ('edited later');\n`);

    const up = await stack.cli(['up', '--detach']);
    expect(up.code).toBe(1);
    expect(up.stdout + up.stderr).toContain(
      'migration 20240101000000_runs.sql changed after it was applied; run `flow-desktop reset` to rebuild the database from the migrations',
    );
    expect(up.stderr.trim().split('\n').at(-1)).toMatch(
      /^flow-desktop: the stack did not start: migrate failed; see `flow-desktop logs migrate`$/,
    );
    expect((await stack.status()).running).toBe(false);

    const refused = await stack.cli(['reset']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^flow-desktop: reset deletes all data in the database of .*; pass --yes to confirm\n$/,
    );

    const reset = await stack.cli(['reset', '--yes']);
    expect(reset.stderr).toBe('');
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/Database reset in \d+\.\d+s\./);
    expect((await stack.status()).running).toBe(false);
    expect((await stack.cli(['up', '--detach'])).code).toBe(0);
    const { DB_URL } = await stack.status();
    expect(await query(DB_URL, 'select note from runs order by id')).toEqual([
      { note: 'first migration' },
      { note: 'edited later' },
      { note: 'seed' },
    ]);
  });

  it('reports a failing migration with its file and line, and applies nothing of it', async () => {
    migration(
      '20240102000000_broken.sql',
      `insert into public.runs (note) values ('half');\nselect * from missing_table;\n`,
    );
    const up = await stack.cli(['up', '--detach']);
    expect(up.code).toBe(1);
    expect(up.stdout + up.stderr).toContain(
      'migrate failed: 20240102000000_broken.sql:2: relation "missing_table" does not exist (SQLSTATE 42P01)',
    );
    rmSync(path.join(supabaseDir, 'migrations', '20240102000000_broken.sql'));
    expect((await stack.cli(['up', '--detach'])).code).toBe(0);
    const { DB_URL } = await stack.status();
    expect(await query(DB_URL, `select count(*)::int as n from runs where note = 'half'`)).toEqual([
      { n: 0 },
    ]);
  });

  it('resets a running stack in place: data gone, seed back, Postgres not restarted', async () => {
    expect((await stack.cli(['up', '--detach'])).code).toBe(0);
    const before = await stack.status();
    await query(before.DB_URL, `insert into runs (note) values ('user data')`);
    const reset = await stack.cli(['reset', '--yes']);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/✓ database reset/);
    const after = await stack.status();
    expect(after.state).toBe('running');
    expect(after.services[0]?.pid).toBe(before.services[0]?.pid);
    expect(await query(after.DB_URL, 'select note from runs order by id')).toEqual([
      { note: 'first migration' },
      { note: 'seed' },
    ]);
  });

  it('resets a broken cluster that cannot start by re-creating it', async () => {
    expect((await stack.cli(['up', '--detach'])).code).toBe(0);
    expect((await stack.cli(['down'])).code).toBe(0);
    rmSync(path.join(stack.dataDir, 'postgres', 'global', 'pg_control'));
    const reset = await stack.cli(['reset', '--yes']);
    expect(reset.stderr).toBe('');
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain('the cluster could not start and was re-created');
    expect((await stack.cli(['up', '--detach'])).code).toBe(0);
    const { DB_URL } = await stack.status();
    expect(await query(DB_URL, 'select count(*)::int as n from runs')).toEqual([{ n: 2 }]);
  });
});
