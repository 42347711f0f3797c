import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { checksum, listMigrations } from './migration-files.js';
import { describeSqlError } from './sql-error.js';

describe('migration files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists <version>_<name>.sql in numeric version order and reports other .sql files', () => {
    writeFileSync(path.join(dir, '20240102000000_second.sql'), 'select 2;');
    writeFileSync(path.join(dir, '9_early.sql'), 'select 0;');
    writeFileSync(path.join(dir, '20240101000000_first.sql'), 'select 1;');
    writeFileSync(path.join(dir, 'notes.sql'), '-- not a migration');
    writeFileSync(path.join(dir, 'README.md'), 'ignored quietly');
    const { files, skipped } = listMigrations(dir);
    expect(files.map((f) => [f.version, f.name])).toEqual([
      ['9', 'early'],
      ['20240101000000', 'first'],
      ['20240102000000', 'second'],
    ]);
    expect(files[1]?.checksum).toBe(checksum('select 1;'));
    expect(skipped).toEqual(['notes.sql']);
  });

  it('refuses two files with the same version', () => {
    writeFileSync(path.join(dir, '1_a.sql'), '');
    writeFileSync(path.join(dir, '1_b.sql'), '');
    expect(() => listMigrations(dir)).toThrow('migrations 1_a.sql and 1_b.sql share version 1; rename one');
  });

  it('names the file and line of a Postgres error', () => {
    const file = {
      file: 'x',
      fileName: '1_x.sql',
      version: '1',
      name: 'x',
      sql: 'select 1;\nselect nope;\n',
      checksum: '',
    };
    const message = describeSqlError(file, {
      message: 'column "nope" does not exist',
      position: '18',
      code: '42703',
    });
    expect(message).toBe('1_x.sql:2: column "nope" does not exist (SQLSTATE 42703)');
  });
});
