import { describe, expect, it } from 'vitest';

import type { WriteBody } from '../parse/write-body.js';
import type { ColumnInfo, TableInfo } from '../schema-cache/schema-types.js';
import { SqlParams } from './sql-params.js';
import { ALL_COLUMNS, insertCte, returnsWholeRow, UPSERT_ROWS_CTE, type InsertOptions } from './write-sql.js';

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

describe('insertCte RETURNING', () => {
  it('an upsert that needs every column returns the row whole beside pgrst_inserted', () => {
    const opts = options('merge-duplicates', ALL_COLUMNS);
    expect(returnsWholeRow(opts)).toBe(true);
    const sql = insertCte(users, body, opts, new SqlParams());
    expect(returningOf(sql)).toBe('"t0" AS pgrst_row, ("t0".xmax = 0) AS pgrst_inserted');
    // Read back without the flag, the rows are of the table's type again.
    expect(UPSERT_ROWS_CTE).toBe('pgrst_rows AS (SELECT (pgrst_mut.pgrst_row).* FROM pgrst_mut)');
  });

  it('an upsert returning some columns returns only them, as before', () => {
    const opts = options('merge-duplicates', '"t0"."username"');
    expect(returnsWholeRow(opts)).toBe(false);
    expect(returningOf(insertCte(users, body, opts, new SqlParams()))).toBe(
      '"t0"."username", ("t0".xmax = 0) AS pgrst_inserted',
    );
  });

  it('an insert or an ignore-duplicates upsert returns the columns as they are', () => {
    for (const resolution of [null, 'ignore-duplicates'] as const) {
      const opts = options(resolution, ALL_COLUMNS);
      expect(returnsWholeRow(opts)).toBe(false);
      expect(returningOf(insertCte(users, body, opts, new SqlParams()))).toBe('"t0".*');
    }
  });
});
