// One test cluster per test file, with one migrated and seeded database, and a pool connecting as postgres.
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

import {
  startTestCluster,
  type TestCluster,
  type TestDatabase,
} from '../../../test/support/test-postgres.js';

export interface DbFixture {
  readonly cluster: TestCluster;
  readonly db: TestDatabase;
  /** Connects as `postgres` (the migration owner); use sql-as.ts to act as API roles. */
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

export async function openDatabase(opts: { migrations?: boolean; seed?: boolean } = {}): Promise<DbFixture> {
  const cluster = await startTestCluster();
  try {
    const db = await cluster.createDatabase(opts);
    const pool = new pg.Pool({ connectionString: db.url, max: 12 });
    return {
      cluster,
      db,
      pool,
      async close() {
        await pool.end();
        await db.drop();
        await cluster.stop();
      },
    };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

/** The SQLSTATE of a rejected query, for asserting on failures. */
export async function sqlState(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
    throw error;
  }
  return undefined;
}

/** Opens a database for this test file before its tests (handing it to `onOpen`) and closes it after them. */
export function useDatabase(
  onOpen: (fx: DbFixture) => void,
  opts: { migrations?: boolean; seed?: boolean } = {},
): void {
  let fx: DbFixture | undefined;
  beforeAll(async () => {
    fx = await openDatabase(opts);
    onOpen(fx);
  });
  afterAll(async () => {
    await fx?.close();
  });
}
