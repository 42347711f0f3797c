import { describe, expect, it } from 'vitest';

import type { WriteBody } from '../parse/write-body.js';
import type { ColumnInfo, TableInfo } from '../schema-cache/schema-types.js';
import { SqlParams } from './sql-params.js';
import { ALL_COLUMNS, insertCte, INSERTED_COUNT, type InsertOptions } from './write-sql.js';

const column = (name: string, type: string): ColumnInfo => ({
  name,
  type,
  notNull: false,
  defaultExpr: null,
  generated: false,
});
const users: TableInfo = {
  schema: 'public',
  name: 'users',
  isView: false,
  columns: new Map([
    ['username', column('username', 'text')],
    ['age', column('age', 'integer')],
  ]),
  primaryKey: ['username'],
  uniqueKeys: [['username']],
};
const body: WriteBody = {
  arrayJson: '[{"username":"neo","age":1}]',
  objectJson: '{"username":"neo","age":1}',
  rows: 1,
  columns: ['username', 'age'],
  present: new Set(['username', 'age']),
};
const options = (resolution: InsertOptions['resolution'], returning: string): InsertOptions => ({
  missingDefault: false,
  onConflict: null,
  resolution,
  returning,
});
const returningOf = (sql: string): string => sql.slice(sql.indexOf(' RETURNING ') + ' RETURNING '.length, -1);
const COUNT_INSERT =
  "WHERE set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) + 1)::text, true) <> '0'";
const COUNT_UPDATE =
  "WHERE set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) - 1)::text, true) <> '-1'";

describe('insertCte', () => {
  it('a merge upsert counts inserted rows in pgrst.inserted, as PostgREST, and never reads xmax', () => {
    for (const returning of [ALL_COLUMNS, '"t0"."username"', '1 AS pgrst_one']) {
      const sql = insertCte(users, body, options('merge-duplicates', returning), new SqlParams());
      expect(sql).not.toContain('xmax');
      // The rows are returned as they are: no extra column, so `*` stays of the table's row type.
      expect(returningOf(sql)).toBe(returning);
      expect(sql).toContain(
        `AS _b("username" text, "age" integer) ${COUNT_INSERT} ON CONFLICT ("username") DO UPDATE SET ` +
          `"username" = EXCLUDED."username", "age" = EXCLUDED."age" ${COUNT_UPDATE} RETURNING`,
      );
    }
  });

  it('a merge upsert with missing=default counts after its lateral join', () => {
    const opts = { ...options('merge-duplicates', ALL_COLUMNS), missingDefault: true };
    const sql = insertCte(users, body, opts, new SqlParams());
    expect(sql).toContain(`AS _r("username" text, "age" integer) ${COUNT_INSERT} ON CONFLICT`);
  });

  it('an insert or an ignore-duplicates upsert is left as it was: no counting', () => {
    for (const resolution of [null, 'ignore-duplicates'] as const) {
      const sql = insertCte(users, body, options(resolution, ALL_COLUMNS), new SqlParams());
      expect(sql).not.toContain('pgrst.inserted');
      expect(returningOf(sql)).toBe('"t0".*');
    }
    expect(insertCte(users, body, options(null, ALL_COLUMNS), new SqlParams())).toBe(
      'pgrst_mut AS (INSERT INTO "public"."users" AS "t0" ("username", "age") SELECT "username", "age" ' +
        'FROM json_to_recordset($1::json) AS _b("username" text, "age" integer) RETURNING "t0".*)',
    );
  });

  it('the inserted count is read as a number, 0 when nothing set it', () => {
    expect(INSERTED_COUNT).toBe("coalesce(nullif(current_setting('pgrst.inserted', true), '')::int8, 0)");
  });
});
