import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Decrypter, Encrypter, identityToRecipient } from 'age-encryption';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';

import {
  ageIdentitiesOf,
  bech32,
  ensureAgeKey,
  generateAgeKeyPair,
} from '../../main/services/functions/age-key-file.js';
import { dataDirLayout } from '../../main/stack/data-dir.js';
import { writeDiagnostics } from '../../main/stack/diagnostics.js';
import type { StackStatus } from '../../shared/stack-status.js';

describe('age key file (node:crypto X25519, age encoding)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('encodes Bech32 like BIP 173 (its test vector)', () => {
    // BIP 173: "a12uel5l" is the valid encoding of hrp "a" with no data.
    expect(bech32('a', new Uint8Array())).toBe('a12uel5l');
    // BIP 173: "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw" is 20 bytes 00 44 32 14 c7 42 54 b6 35 cf 84 65 3a 56 d7 c6 75 be 77 df.
    const data = Buffer.from('00443214c74254b635cf84653a56d7c675be77df', 'hex');
    expect(bech32('abcdef', data)).toBe('abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw');
  });

  it('makes identities the age library accepts, with the recipient it derives', async () => {
    const { identity, recipient } = generateAgeKeyPair();
    expect(identity).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
    expect(recipient).toMatch(/^age1[0-9a-z]{58}$/);
    expect(await identityToRecipient(identity)).toBe(recipient);
    const encrypter = new Encrypter();
    encrypter.addRecipient(recipient);
    const sealed = await encrypter.encrypt('a connector secret');
    const decrypter = new Decrypter();
    decrypter.addIdentity(identity);
    expect(await decrypter.decrypt(sealed, 'text')).toBe('a connector secret');
  });

  it('writes the key once, owner-only, in age-keygen format, and reads the same key back', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'age-key-'));
    dirs.push(dir);
    const first = await ensureAgeKey(dir);
    const second = await ensureAgeKey(dir);
    expect(second).toEqual(first);
    const file = path.join(dir, 'sops', 'age-key.txt');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(`# public key: ${first.recipient}\n`);
    expect(text).toContain(`${first.identities[0]}\n`);
  });

  it('keeps the key out of a diagnostics bundle: no key file, and the identity redacted from logs', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'age-key-'));
    dirs.push(dir);
    const { identities } = await ensureAgeKey(dir);
    const identity = identities[0]!;
    expect(ageIdentitiesOf(dir)).toEqual([identity]);
    const layout = dataDirLayout(dir);
    mkdirSync(layout.logs, { recursive: true });
    writeFileSync(path.join(layout.logs, 'edge-functions.log'), `a careless line: ${identity}\n`);
    // The supervisor passes ageIdentitiesOf(data dir) among the secrets (LocalStack.secretValues).
    const bundle = writeDiagnostics({
      layout,
      status: { services: [] } as unknown as StackStatus,
      preflight: [],
      versions: {},
      secrets: ageIdentitiesOf(dir),
    });
    const entries = unzipSync(readFileSync(bundle.path));
    expect(Object.keys(entries)).toContain('logs/edge-functions.log');
    expect(Object.keys(entries).some((name) => name.includes('sops') || name.includes('age-key'))).toBe(
      false,
    );
    for (const [name, bytes] of Object.entries(entries)) {
      expect(strFromU8(bytes), name).not.toContain(identity);
    }
    expect(strFromU8(entries['logs/edge-functions.log']!)).toContain('a careless line: [REDACTED]');
  });
});
