// Whole-schema properties: migrations are deterministic, every public table has RLS and comments, and
// privileged functions pin their search_path.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import pg from 'pg';
import { describe, expect, it } from 'vitest';

import { useDatabase, type DbFixture } from './support/database.js';

const MIGRATIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations');
const SCHEMAS = ['public', 'internal', 'task_stat_partitions'];

let fx: DbFixture;
let pool: pg.Pool;

useDatabase((opened) => {
  fx = opened;
  pool = opened.pool;
});

// A textual description of everything the migrations define in SCHEMAS, independent of oids and of the
// order objects were created in: two databases with equal snapshots have the same schema.
const SNAPSHOT_SQL = `
  with ns as (select oid, nspname from pg_namespace where nspname = any($1::text[]))
  select line from (
    select format('schema %s owner=%s acl=%s', n.nspname, pg_get_userbyid(s.nspowner), s.nspacl) as line
      from ns n join pg_namespace s on s.oid = n.oid
    union all
    select format('rel %s.%s kind=%s owner=%s rls=%s opts=%s acl=%s comment=%s', n.nspname, c.relname, c.relkind,
                  pg_get_userbyid(c.relowner), c.relrowsecurity, c.reloptions, c.relacl, obj_description(c.oid, 'pg_class'))
      from pg_class c join ns n on n.oid = c.relnamespace
    union all
    select format('col %s.%s.%s type=%s notnull=%s default=%s generated=%s acl=%s comment=%s', n.nspname, c.relname,
                  a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
                  a.attgenerated, a.attacl, col_description(c.oid, a.attnum))
      from pg_attribute a join pg_class c on c.oid = a.attrelid join ns n on n.oid = c.relnamespace
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where a.attnum > 0 and not a.attisdropped
    union all
    select format('view %s.%s %s', n.nspname, c.relname, pg_get_viewdef(c.oid))
      from pg_class c join ns n on n.oid = c.relnamespace where c.relkind = 'v'
    union all
    select format('index %s', pg_get_indexdef(i.indexrelid))
      from pg_index i join pg_class c on c.oid = i.indrelid join ns n on n.oid = c.relnamespace
    union all
    select format('constraint %s.%s %s %s', n.nspname, coalesce(c.relname, t.typname), k.conname, pg_get_constraintdef(k.oid))
      from pg_constraint k left join pg_class c on c.oid = k.conrelid left join pg_type t on t.oid = k.contypid
      join ns n on n.oid = k.connamespace
    union all
    select format('policy %s.%s %s cmd=%s roles=%s using=%s check=%s', n.nspname, c.relname, p.polname, p.polcmd,
                  p.polroles::regrole[], pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
      from pg_policy p join pg_class c on c.oid = p.polrelid join ns n on n.oid = c.relnamespace
    union all
    select format('trigger %s', pg_get_triggerdef(g.oid))
      from pg_trigger g join pg_class c on c.oid = g.tgrelid join ns n on n.oid = c.relnamespace where not g.tgisinternal
    union all
    select format('function %s definer=%s config=%s acl=%s comment=%s body=%s', p.oid::regprocedure, p.prosecdef,
                  p.proconfig, p.proacl, obj_description(p.oid, 'pg_proc'), md5(pg_get_functiondef(p.oid)))
      from pg_proc p join ns n on n.oid = p.pronamespace
    union all
    select format('type %s.%s kind=%s base=%s enum=%s comment=%s', n.nspname, t.typname, t.typtype,
                  format_type(t.typbasetype, t.typtypmod),
                  (select array_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid),
                  obj_description(t.oid, 'pg_type'))
      from pg_type t join ns n on n.oid = t.typnamespace where t.typtype in ('d', 'e', 'c') and t.typrelid = 0
    union all
    select format('publication %s %s.%s', pubname, schemaname, tablename) from pg_publication_tables
    union all
    select format('default acl %s %s %s %s', pg_get_userbyid(d.defaclrole), d.defaclnamespace::regnamespace,
                  d.defaclobjtype, d.defaclacl)
      from pg_default_acl d
  ) lines
  order by line`;

async function snapshot(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ line: string }>(SNAPSHOT_SQL, [SCHEMAS])).rows.map((r) => r.line);
  } finally {
    await client.end();
  }
}

/** Applies every migration as postgres, each file in its own transaction, in filename order. */
async function migrate(url: string): Promise<void> {
  const files = readdirSync(MIGRATIONS)
    .filter((f) => /^\d{14}_.+\.sql$/.test(f))
    .sort();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const file of files) {
      await client.query('begin');
      try {
        await client.query(readFileSync(path.join(MIGRATIONS, file), 'utf8'));
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw new Error(`${file}: ${String(error)}`);
      }
    }
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  it('are named with a 14-digit timestamp and ordered by it', () => {
    const files = readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) expect(file).toMatch(/^\d{14}_[a-z0-9_]+\.sql$/);
  });

  it('produce the same schema when applied to two empty databases', async () => {
    const first = await fx.cluster.createDatabase({ migrations: false, seed: false });
    const second = await fx.cluster.createDatabase({ migrations: false, seed: false });
    try {
      // As on Supabase (and as the bootstrap does for the database it runs in), postgres owns the database:
      // copies made from a template belong to the superuser who created them.
      for (const db of [first, second]) {
        const admin = new pg.Client({ connectionString: db.adminUrl });
        await admin.connect();
        try {
          await admin.query(`alter database ${admin.escapeIdentifier(db.name)} owner to postgres`);
        } finally {
          await admin.end();
        }
      }
      const empty = await snapshot(first.url);
      // Sequentially: the second run also proves the migrations tolerate cluster-wide objects (roles) that
      // the first one created.
      await migrate(first.url);
      await migrate(second.url);
      const [a, b, harness] = await Promise.all([
        snapshot(first.url),
        snapshot(second.url),
        snapshot(fx.db.url),
      ]);
      expect(a.length).toBeGreaterThan(empty.length + 300);
      expect(a.some((line) => line.startsWith('rel public.live_specs '))).toBe(true);
      expect(b).toEqual(a);
      // The harness's database (migrated by the app's migration runner, then seeded) has the same schema.
      expect(harness).toEqual(a);
    } finally {
      await first.drop();
      await second.drop();
    }
  });
});

describe('schema conventions', () => {
  it('every public table has RLS enabled, at least one policy and a comment', async () => {
    const { rows } = await pool.query<{
      name: string;
      rls: boolean;
      policies: number;
      comment: string | null;
    }>(
      `select c.relname as name, c.relrowsecurity as rls, obj_description(c.oid, 'pg_class') as comment,
              (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
       from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') order by 1`,
    );
    expect(rows.map((r) => r.name)).toEqual(
      expect.arrayContaining(['live_specs', 'drafts', 'user_grants', 'task_stats', 'directives']),
    );
    for (const row of rows) {
      expect({
        name: row.name,
        rls: row.rls,
        hasPolicy: row.policies > 0,
        hasComment: (row.comment ?? '').length > 0,
      }).toEqual({
        name: row.name,
        rls: true,
        hasPolicy: true,
        hasComment: true,
      });
    }
  });

  it('every table, view, column and function of public and internal has a comment', async () => {
    const { rows } = await pool.query<{ missing: string }>(
      `select format('%s.%s', n.nspname, c.relname) as missing
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname in ('public', 'internal') and c.relkind in ('r', 'p', 'v') and obj_description(c.oid, 'pg_class') is null
       union all
       select format('%s.%s.%s', n.nspname, c.relname, a.attname)
         from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
         where n.nspname in ('public', 'internal') and c.relkind in ('r', 'p', 'v') and a.attnum > 0 and not a.attisdropped
           and col_description(c.oid, a.attnum) is null
       union all
       select p.oid::regprocedure::text
         from pg_proc p where p.pronamespace in ('public'::regnamespace, 'internal'::regnamespace, 'task_stat_partitions'::regnamespace)
           and obj_description(p.oid, 'pg_proc') is null`,
    );
    expect(rows.map((r) => r.missing)).toEqual([]);
  });

  it("_ext views run with the caller's privileges", async () => {
    const { rows } = await pool.query<{ name: string; invoker: boolean }>(
      `select relname as name, coalesce('security_invoker=true' = any(reloptions), false) as invoker
       from pg_class where relnamespace = 'public'::regnamespace and relkind = 'v' order by 1`,
    );
    expect(rows.map((r) => r.name)).toEqual([
      'combined_grants_ext',
      'draft_specs_ext',
      'drafts_ext',
      'live_specs_ext',
      'publication_specs_ext',
    ]);
    for (const row of rows) expect(row).toEqual({ name: row.name, invoker: true });
  });

  it('security definer functions pin their search_path', async () => {
    const { rows } = await pool.query<{ name: string; config: string[] | null }>(
      `select p.oid::regprocedure::text as name, p.proconfig as config from pg_proc p
       where p.prosecdef and p.pronamespace in ('public'::regnamespace, 'internal'::regnamespace, 'task_stat_partitions'::regnamespace)`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const row of rows) {
      expect({
        name: row.name,
        pinned: (row.config ?? []).some((c) => c.startsWith('search_path=')),
      }).toEqual({ name: row.name, pinned: true });
    }
  });

  it('API roles cannot use schema internal', async () => {
    const { rows } = await pool.query<{ role: string; usage: boolean }>(
      `select r as role, has_schema_privilege(r, 'internal', 'usage') as usage from unnest(array['anon', 'authenticated', 'service_role']) r`,
    );
    expect(rows).toEqual([
      { role: 'anon', usage: false },
      { role: 'authenticated', usage: false },
      { role: 'service_role', usage: false },
    ]);
  });
});
