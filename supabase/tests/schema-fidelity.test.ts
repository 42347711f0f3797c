// Fidelity with the original control-plane migrations (20240101002000_original_schema_fidelity.sql): catalog
// names of two or more components, the connector columns signed-in users may read, and
// live_specs_ext.connector_open_graph for clients older than 2022-09.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import pg from 'pg';
import { describe, expect, it } from 'vitest';

import { startTestCluster } from '../../test/support/test-postgres.js';
import { type DbFixture, sqlState, useDatabase } from './support/database.js';
import { ALICE, sqlAs, tryAs } from './support/sql-as.js';

const SUPABASE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIDELITY = '20240101002000_original_schema_fidelity.sql';

let fx: DbFixture;
useDatabase((opened) => {
  fx = opened;
});

describe('schema fidelity with the original migrations', () => {
  it('refuses one-component catalog names, as the original catalog_name domain does', async () => {
    const draft = await sqlAs<{ id: string }>(
      fx.pool,
      ALICE,
      'insert into drafts default values returning id::text',
    );
    const insert = (name: string) =>
      tryAs(fx.pool, ALICE, `insert into draft_specs (draft_id, catalog_name) values ($1, $2)`, [
        draft[0]!.id,
        name,
      ]);
    expect(await sqlState(insert('aliceCo'))).toBe('23514');
    expect(await sqlState(insert('aliceCo/'))).toBe('23514');
    expect(await sqlState(insert('aliceCo/anvils'))).toBeUndefined();
    expect(await sqlState(insert('aliceCo/anvils/TnT_v4.1'))).toBeUndefined();
    const { rows } = await fx.pool.query<{ convalidated: boolean }>(
      `select convalidated from pg_constraint where contypid = 'catalog_name'::regtype`,
    );
    expect(rows).toEqual([{ convalidated: true }]);
  });

  it('lets signed-in users read the connector columns the original granted, not the OAuth spec', async () => {
    const readable = await sqlAs<{ image_name: string }>(
      fx.pool,
      ALICE,
      'select id, detail, updated_at, created_at, image_name, external_url, open_graph, title, short_description, logo_url, recommended, oauth2_client_id from connectors order by image_name limit 1',
    );
    expect(readable).toHaveLength(1);
    for (const column of [
      'oauth2_spec',
      'oauth2_injected_values',
      'oauth2_client_secret',
      'open_graph_raw',
      'open_graph_patch',
    ]) {
      expect(await sqlState(tryAs(fx.pool, ALICE, `select ${column} from connectors`)), column).toBe('42501');
    }
  });

  it("keeps live_specs_ext.connector_open_graph: the spec's connector's merged open graph", async () => {
    await fx.pool.query(
      `update connectors set open_graph_raw = '{"en-US":{"title":"Hello","description":"d","image":"i"}}',
         open_graph_patch = '{"en-US":{"title":"Hello world"}}'
       where image_name = 'ghcr.io/estuary/source-hello-world'`,
    );
    await fx.pool.query(
      `insert into live_specs (catalog_name, last_pub_id, last_build_id, spec, spec_type, connector_image_name, connector_image_tag)
       values ('aliceCo/og/capture', '01:01:01:01:01:01:01:01', '01:01:01:01:01:01:01:01', '{}', 'capture',
               'ghcr.io/estuary/source-hello-world', ':v1')`,
    );
    const rows = await sqlAs<{ connector_open_graph: unknown; connector_title: unknown }>(
      fx.pool,
      ALICE,
      `select connector_open_graph, connector_title from live_specs_ext where catalog_name = 'aliceCo/og/capture'`,
    );
    expect(rows).toEqual([
      {
        connector_open_graph: { 'en-US': { title: 'Hello world', description: 'd', image: 'i' } },
        connector_title: { 'en-US': 'Hello world' },
      },
    ]);
  });
});

describe('the catalog_name migration on a database that already holds one-component names', () => {
  it('keeps the old names readable and refuses new ones', async () => {
    // The migrations as they were before the fidelity migration, then a one-component name, then the migration.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'supabase-before-'));
    cpSync(SUPABASE, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}tests`) });
    rmSync(path.join(dir, 'migrations', FIDELITY));
    const cluster = await startTestCluster(dir);
    try {
      const db = await cluster.createDatabase();
      const pool = new pg.Pool({ connectionString: db.url, max: 2 });
      try {
        await pool.query(
          `insert into live_specs (catalog_name, last_pub_id, last_build_id) values ('legacy', '01:01:01:01:01:01:01:01', '01:01:01:01:01:01:01:01')`,
        );
        await pool.query(readFileSync(path.join(SUPABASE, 'migrations', FIDELITY), 'utf8'));
        const { rows } = await pool.query<{ catalog_name: string }>(
          `select catalog_name::text from live_specs where catalog_name = 'legacy'`,
        );
        expect(rows).toEqual([{ catalog_name: 'legacy' }]);
        expect(
          await sqlState(
            pool.query(
              `insert into live_specs (catalog_name, last_pub_id, last_build_id) values ('other', '01:01:01:01:01:01:01:01', '01:01:01:01:01:01:01:01')`,
            ),
          ),
        ).toBe('23514');
      } finally {
        await pool.end();
        await db.drop();
      }
    } finally {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
