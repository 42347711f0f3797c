import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { loadOrCreateSecrets } from './secrets.js';
import { readSettings, writeSettings } from './settings-store.js';

describe('damaged state files', () => {
  let dir: string;
  let file: string;
  let pgdata: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'state-files-'));
    file = path.join(dir, 'secrets.json');
    pgdata = path.join(dir, 'postgres');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates secrets once, owner-only, and then only reads them', async () => {
    const first = await loadOrCreateSecrets(file, pgdata);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(await loadOrCreateSecrets(file, pgdata)).toEqual(first);
  });

  it('never replaces a damaged secrets.json: it names the file and what is wrong', async () => {
    const cases: [string, RegExp][] = [
      [
        '',
        /secrets\.json is empty; flow-desktop never replaces it: restore it, or delete it together with .*postgres to start with a new, empty database$/,
      ],
      [
        '{"jwtSecret": "x", "anonKey"',
        /secrets\.json is not valid JSON \(.*\); flow-desktop never replaces it/,
      ],
      ['[1, 2]', /secrets\.json does not hold a JSON object;/],
      [
        JSON.stringify({ jwtSecret: 'a', anonKey: 'b', serviceRoleKey: '' }),
        /secrets\.json is damaged: serviceRoleKey, superuserPassword are missing or empty; flow-desktop never replaces it/,
      ],
    ];
    for (const [text, message] of cases) {
      writeFileSync(file, text);
      await expect(loadOrCreateSecrets(file, pgdata)).rejects.toThrow(message);
      expect(readFileSync(file, 'utf8')).toBe(text);
    }
  });

  it('refuses to make new secrets for an existing database cluster', async () => {
    mkdirSync(pgdata);
    writeFileSync(path.join(pgdata, 'PG_VERSION'), '17\n');
    await expect(loadOrCreateSecrets(file, pgdata)).rejects.toThrow(
      /secrets\.json is missing, but .*postgres holds a database made with the secrets it had/,
    );
  });

  it('a damaged settings.json is a sentence, not the defaults; writing replaces it whole', () => {
    const settings = path.join(dir, 'settings.json');
    writeFileSync(settings, '{"dbPort": 54');
    expect(() => readSettings(settings)).toThrow(
      /settings\.json is not valid JSON \(.*\); fix it, or delete it to use the default settings$/,
    );
    writeFileSync(settings, '   \n');
    expect(() => readSettings(settings)).toThrow(/settings\.json is empty; fix it/);
    writeSettings(settings, { dbPort: 5442 });
    expect(readSettings(settings)).toEqual({ dbPort: 5442 });
  });
});
