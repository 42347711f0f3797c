import { readFileSync } from 'node:fs';
import path from 'node:path';

import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { decryptSops as independentDecrypt } from 'sops-age';
import { beforeAll, describe, expect, it } from 'vitest';

import { sealConfig } from '../../shared/sops/seal-config.js';
import { sealedFieldPaths } from '../../shared/sops/sealed-fields.js';
import { secretLocations } from '../../shared/sops/secret-locations.js';
import {
  decryptSops,
  encryptSops,
  isSopsDocument,
  type SopsDocument,
  unsealConfig,
} from '../../shared/sops/sops-document.js';
import { formatFloat, type SopsJson } from '../../shared/sops/sops-values.js';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'sops');

/**
 * sops-3.8.1-age.enc.json is a document the real `sops` 3.8.1 encrypted, published with its (test-only) age key
 * by the sops-age project (github.com/humphd/sops-age, src/data/secret.enc.json and key.txt).
 */
const FIXTURE_KEY = 'AGE-SECRET-KEY-1QXRVEJH9S4NQU0FPD6V79ESZQ8S6PXH3L8V40EVPTHFH6KNKD4DQ7SKC4P';

const fixture = (): SopsDocument =>
  JSON.parse(readFileSync(path.join(FIXTURES, 'sops-3.8.1-age.enc.json'), 'utf8')) as SopsDocument;

describe('sops documents', () => {
  let identity: string;
  let recipient: string;
  beforeAll(async () => {
    identity = await generateX25519Identity();
    recipient = await identityToRecipient(identity);
  });

  it("decrypts what the real sops wrote and verifies its MAC (sops's leaf bytes, paths and MAC rules)", async () => {
    expect(await decryptSops(fixture(), [FIXTURE_KEY])).toEqual({
      secret: 'this is a secret',
      string: 'string',
      int: 7,
      float: 3.14,
      boolean: true,
      complex: { value: 'this is a secret', array: ['one', 'two', 'three'] },
    });
  });

  it('refuses a real sops document whose values were moved, or whose MAC was changed', async () => {
    const moved = fixture() as unknown as Record<string, unknown>;
    [moved.secret, moved.string] = [moved.string, moved.secret];
    await expect(decryptSops(moved as unknown as SopsDocument, [FIXTURE_KEY])).rejects.toThrow(
      /does not decrypt: wrong key, or it was changed or moved/,
    );
    const doc = fixture();
    const forged = { ...doc, sops: { ...doc.sops, lastmodified: '2030-01-01T00:00:00Z' } };
    await expect(decryptSops(forged, [FIXTURE_KEY])).rejects.toThrow(
      /sops value at \/sops\/mac does not decrypt/,
    );
    await expect(decryptSops(fixture(), [identity])).rejects.toThrow(/none of the age keys can decrypt/);
  });

  it('writes documents an independent implementation (sops-age) decrypts, every JSON type included', async () => {
    const document = {
      text: 'héllo ✓ "quoted"',
      empty: '',
      integer: 42,
      negative: -7.25,
      tiny: 1e-7,
      huge: 1e21,
      yes: true,
      no: false,
      nothing: null,
      nested: { list: [1, 'two', { three: [false] }], deeper: { key: 'value' } },
    };
    const encrypted = await encryptSops(document, { recipients: [recipient] });
    const text = JSON.stringify(encrypted);
    for (const plain of ['héllo', 'value', 'two']) expect(text).not.toContain(plain);
    expect(encrypted.empty).toBe('');
    expect(encrypted.nothing).toBeNull();
    expect(await independentDecrypt(text, { secretKey: identity, fileType: 'json' })).toEqual(document);
    expect(await decryptSops(JSON.parse(text) as SopsDocument, [identity])).toEqual(document);
  });

  it('encrypts only below keys with the encrypted suffix, and the MAC still covers the rest', async () => {
    const encrypted = await encryptSops(
      { user: 'alice', password_sops: 'pw', nested: { token_sops: { a: 1, b: ['x'] }, plain: 'visible' } },
      { recipients: [recipient], encryptedSuffix: '_sops' },
    );
    expect(encrypted.user).toBe('alice');
    expect((encrypted.nested as Record<string, unknown>).plain).toBe('visible');
    expect(encrypted.password_sops).toMatch(/^ENC\[/);
    expect(
      ((encrypted.nested as Record<string, Record<string, unknown>>).token_sops!.b as string[])[0],
    ).toMatch(/^ENC\[/);
    expect(encrypted.sops.encrypted_suffix).toBe('_sops');
    const decoded = (await independentDecrypt(JSON.stringify(encrypted), { secretKey: identity })) as unknown;
    expect(decoded).toEqual({
      user: 'alice',
      password_sops: 'pw',
      nested: { token_sops: { a: 1, b: ['x'] }, plain: 'visible' },
    });
    const tampered = { ...encrypted, user: 'mallory' };
    await expect(decryptSops(tampered, [identity])).rejects.toThrow(/MAC does not match/);
  });

  it('unseals a config as Flow does before a connector sees it: decrypted, suffixes stripped', async () => {
    const sealed = await encryptSops(
      { host: 'h', password_sops: 'pw', creds: { refresh_token_sops: 'rt' } },
      { recipients: [recipient], encryptedSuffix: '_sops' },
    );
    expect(isSopsDocument(sealed)).toBe(true);
    expect(await unsealConfig(sealed, [identity])).toEqual({
      host: 'h',
      password: 'pw',
      creds: { refresh_token: 'rt' },
    });
    const plain = { host: 'h', password: 'not encrypted' };
    expect(await unsealConfig(plain, [identity])).toBe(plain);
  });

  it("formats floats as Go's FormatFloat(v, 'f', -1, 64)", () => {
    expect(formatFloat(7)).toBe('7');
    expect(formatFloat(3.14)).toBe('3.14');
    expect(formatFloat(1e21)).toBe('1000000000000000000000');
    expect(formatFloat(1.5e22)).toBe('15000000000000000000000');
    expect(formatFloat(1e-7)).toBe('0.0000001');
    expect(formatFloat(-2.5e-8)).toBe('-0.000000025');
    expect(formatFloat(123456.789)).toBe('123456.789');
  });
});

describe('sealed fields, as the GUI lists them', () => {
  it('names the encrypted fields of a sealed config without their suffix, and none of a plain one', async () => {
    const identity = await generateX25519Identity();
    const sealed = await encryptSops(
      { host: 'h', password_sops: 'p', credentials: { token_sops: 't', hosts: [{ key_sops: 'k' }] } },
      { recipients: [await identityToRecipient(identity)], encryptedSuffix: '_sops' },
    );
    expect(sealedFieldPaths(sealed)).toEqual(['password', 'credentials.token', 'credentials.hosts[0].key']);
    expect(sealedFieldPaths({ password_sops: 'not sealed' })).toEqual([]);
  });
});

describe('secret locations of a config (schema annotations)', () => {
  it('finds secret and airbyte_secret through the branches the config takes', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        mode: { enum: ['a', 'b'] },
        tuple: { type: 'array', prefixItems: [{ type: 'object', properties: { k: { secret: true } } }] },
        map: { type: 'object', additionalProperties: { type: 'string', airbyte_secret: true } },
        extras: { type: 'object', patternProperties: { '^key_': { secret: true } } },
      },
      if: { properties: { mode: { const: 'a' } } },
      then: { properties: { a_secret: { secret: true } } },
      else: { properties: { b_secret: { secret: true } } },
      anyOf: [{ properties: { any: { secret: true } } }, { required: ['never-there'] }],
    };
    const found = secretLocations(schema, {
      mode: 'a',
      a_secret: 1,
      b_secret: 2,
      any: 'x',
      tuple: [{ k: 'v' }],
      map: { one: 'x', 'two/three': 'y' },
      extras: { key_1: 'x', other: 'y' },
    });
    expect(found.valid).toBe(true);
    expect(found.valid && [...found.pointers].sort()).toEqual(
      ['/a_secret', '/any', '/extras/key_1', '/map/one', '/map/two~1three', '/tuple/0/k'].sort(),
    );
  });

  it('validates as the schema draft says, listing problems without values', () => {
    const found = secretLocations(
      { type: 'object', required: ['host'], properties: { port: { type: 'integer', maximum: 10 } } },
      { port: 99 },
    );
    expect(found).toEqual({
      valid: false,
      errors: ["(config) must have required property 'host'", '/port must be <= 10'],
    });
  });

  it('seals a config: secrets under _sops, the rest readable', async () => {
    const identity = await generateX25519Identity();
    const sealed = await sealConfig(
      { type: 'object', properties: { user: { type: 'string' }, pass: { type: 'string', secret: true } } },
      { user: 'u', pass: 'p' },
      [await identityToRecipient(identity)],
    );
    expect(sealed.ok).toBe(true);
    if (!sealed.ok) return;
    expect(sealed.secrets).toEqual(['/pass']);
    expect(Object.keys(sealed.document)).toEqual(['user', 'pass_sops', 'sops']);
    expect(await unsealConfig(sealed.document, [identity])).toEqual({ user: 'u', pass: 'p' });
    const again = sealed.document as unknown as Record<string, SopsJson>;
    const twice = await sealConfig({ type: 'object' }, again, [await identityToRecipient(identity)]);
    expect(twice).toEqual({ ok: false, errors: ['the config is already sops-encrypted'] });
  });
});
