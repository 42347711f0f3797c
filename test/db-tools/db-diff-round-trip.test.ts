import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runCli, type CliResult } from '../support/cli.js';
import { startTestCluster, type TestCluster, type TestDatabase } from '../support/test-postgres.js';
import { query } from '../support/sql.js';

/**
 * The round trip `db diff` → `db apply` → `db diff` on a target drifted in every kind of way the diff handles:
 * the second diff must be empty. (Dropping `drafts.detail` also drops `drafts_ext`, which depends on it; the
 * column comes back last, so the target's `drafts` has another column order than the migrations'.)
 */
describe('db diff after db apply of its own output is empty (real Postgres)', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let work: string;
  let dataDir: string;
  const databases: TestDatabase[] = [];

  const db = (args: readonly string[]): Promise<CliResult> =>
    runCli(['db', ...args, '--data-dir', dataDir, '--db-port', String(cluster.port)], {}, 180_000);

  beforeAll(async () => {
    cluster = await startTestCluster();
    work = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-round-trip-'));
    dataDir = path.join(work, 'data');
    mkdirSync(dataDir);
    const password = decodeURIComponent(new URL(cluster.adminUrl).password);
    writeFileSync(path.join(dataDir, 'secrets.json'), JSON.stringify({ superuserPassword: password }));
  });
  afterAll(async () => {
    for (const d of databases) await d.drop();
    await cluster?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('converges table, column, view, function, policy, grant and comment drift in one apply', async () => {
    const target = await cluster.createDatabase({ seed: false });
    databases.push(target);
    await query(
      target.url,
      `drop table public.tenants;
       alter table public.drafts drop column detail cascade;
       create or replace function public.auth_uid() returns uuid language sql stable
         as $$ select null::uuid $$;
       drop policy "Admins of the object role insert user grants" on public.user_grants;
       grant select on public.live_specs to anon;
       revoke select on public.connector_tags from authenticated;
       comment on table public.drafts is 'Something else';
       do $$ begin
         execute 'create or replace view public.publication_specs_ext with (security_invoker = true) as '
           || rtrim(pg_get_viewdef('public.publication_specs_ext'::regclass), '; ') || ' limit 1000';
       end $$;`,
    );
    const pendingDir = path.join(work, 'pending');
    const first = await db([
      'diff',
      '--target',
      target.url,
      '--name',
      'round_trip',
      '--pending-dir',
      pendingDir,
    ]);
    expect(first.code, first.stderr).toBe(0);
    const [file] = readdirSync(pendingDir);
    const text = readFileSync(path.join(pendingDir, file!), 'utf8');
    for (const about of [
      /create table "public"\."tenants"/,
      /alter table "public"\."drafts" add column "detail"/,
      /create or replace view "public"\."drafts_ext"|create view "public"\."drafts_ext"/,
      // A view whose definition alone drifted (no column changed under it).
      /create or replace view "public"\."publication_specs_ext"|create view "public"\."publication_specs_ext"/,
      /create or replace function public\.auth_uid\(\)/i,
      /create policy "Admins of the object role insert user grants"/,
      /revoke select on table "public"\."live_specs" from "anon"/,
      /grant select on table "public"\."connector_tags" to "authenticated"/,
      /comment on table "public"\."drafts" is /,
    ]) {
      expect(text).toMatch(about);
    }

    const apply = await db(['apply', '--target', target.url, path.join(pendingDir, file!), '--yes']);
    expect(apply.code, apply.stderr).toBe(0);
    // migra creates views without their options: the re-created views are evaluated under the caller's RLS again.
    for (const view of ['drafts_ext', 'publication_specs_ext']) {
      expect(
        await query(target.url, `select reloptions from pg_class where oid = 'public.${view}'::regclass`),
        view,
      ).toEqual([{ reloptions: ['security_invoker=true'] }]);
    }
    expect(
      await query(
        target.url,
        `select pg_get_viewdef('public.publication_specs_ext'::regclass) ilike '%limit 1000%' as drifted`,
      ),
    ).toEqual([{ drifted: false }]);

    const again = await db(['diff', '--target', target.url, '--name', 'again', '--pending-dir', pendingDir]);
    expect(again.code, again.stderr).toBe(0);
    const extra = readdirSync(pendingDir).filter((f) => f !== file);
    expect(extra.map((f) => readFileSync(path.join(pendingDir, f), 'utf8')).join('\n')).toBe('');
    expect(again.stdout).toMatch(/^No changes: /);
  });
});
