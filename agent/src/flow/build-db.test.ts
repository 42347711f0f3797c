import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import initSqlJs from 'sql.js';
import { afterAll, describe, expect, it } from 'vitest';

import { readBuildErrors } from './build-db.js';

describe('readBuildErrors', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-build-db-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes a SQLite database file made by running `sql`. */
  async function database(name: string, sql: string): Promise<string> {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.exec(sql);
    const file = path.join(dir, name);
    writeFileSync(file, db.export());
    db.close();
    return file;
  }

  it('reads the errors table of a build database, scope null where the build gave none', async () => {
    const file = await database(
      'with-errors',
      `create table errors (scope text, error text not null);
       insert into errors values ('file:///flow.json#/collections/a~1b', 'a/b is invalid'), (null, 'no scope');
       create table built_specs (name text primary key, type text not null, spec text not null);`,
    );
    expect(await readBuildErrors(file)).toEqual([
      { scope: 'file:///flow.json#/collections/a~1b', error: 'a/b is invalid' },
      { scope: null, error: 'no scope' },
    ]);
  });

  it('gives no errors for a database without the errors table', async () => {
    const file = await database('no-table', 'create table built_specs (name text primary key);');
    expect(await readBuildErrors(file)).toEqual([]);
  });

  it('fails for a missing file and for a file that is not SQLite', async () => {
    await expect(readBuildErrors(path.join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
    const junk = path.join(dir, 'junk');
    writeFileSync(junk, 'this is not a database, and it is long enough to have a header page of its own');
    await expect(readBuildErrors(junk)).rejects.toThrow(/not a database|malformed/);
  });
});
