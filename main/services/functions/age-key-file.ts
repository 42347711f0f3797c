import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { bech32 as scureBech32 } from '@scure/base';

/** The age key of a data directory: its secret identities (to decrypt) and its public recipient (to encrypt). */
export interface AgeKey {
  readonly identities: readonly string[];
  readonly recipient: string;
}

/** Where a data directory keeps the age key that sops-encrypted connector configs are encrypted for. */
export function ageKeyFile(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'sops', 'age-key.txt');
}

/**
 * Reads the data directory's age key, generating it on first use (an X25519 identity in age-keygen's file
 * format, which `SOPS_AGE_KEY_FILE` accepts). The folder and file are owner-only; the key never leaves the
 * data directory, so configs encrypted in one data directory only decrypt there.
 */
export function ensureAgeKey(dataDir: string): Promise<AgeKey> {
  return Promise.resolve(ensureAgeKeySync(dataDir));
}

function ensureAgeKeySync(dataDir: string): AgeKey {
  const file = ageKeyFile(dataDir);
  const existing = readAgeKey(file);
  if (existing) return existing;
  const { identity, recipient } = generateAgeKeyPair();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  chmodSync(path.dirname(file), 0o700);
  const text = `# created: ${new Date().toISOString()}\n# public key: ${recipient}\n${identity}\n`;
  try {
    // 'wx': two processes starting at once never overwrite each other's key; the loser reads the winner's.
    writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const raced = readAgeKey(file);
    if (raced) return raced;
    throw new Error(`${file} exists but holds no age key`);
  }
  return { identities: [identity], recipient };
}

/** Reads an age key file (age-keygen format), or null when there is none; a file without a key is an error. */
export function readAgeKey(file: string): AgeKey | null {
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8');
  const identities = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('AGE-SECRET-KEY-1'));
  const recipient = /^#\s*public key:\s*(age1\S+)/m.exec(text)?.[1];
  if (identities.length === 0 || !recipient) {
    throw new Error(`${file} is not an age key file (age-keygen format): delete it to get a new key`);
  }
  return { identities, recipient };
}

/** The secret identities of a data directory's key, for redaction; none when there is no readable key. */
export function ageIdentitiesOf(dataDir: string): string[] {
  try {
    return [...(readAgeKey(ageKeyFile(dataDir))?.identities ?? [])];
  } catch {
    return [];
  }
}

/**
 * A new X25519 identity and its recipient in age's encoding (`AGE-SECRET-KEY-1…`, `age1…`: Bech32 of the raw
 * 32-byte private and public keys), made with node:crypto: the supervisor needs no age library to start.
 */
export function generateAgeKeyPair(): { identity: string; recipient: string } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const secret = Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  if (secret.length !== 32 || pub.length !== 32)
    throw new Error('node:crypto returned an X25519 key of an unexpected size');
  return { identity: bech32('age-secret-key-', secret).toUpperCase(), recipient: bech32('age', pub) };
}

/** Bech32 (BIP 173, not Bech32m: age uses the original checksum, with no length limit) of bytes under a prefix. */
export function bech32(hrp: string, data: Uint8Array): string {
  return scureBech32.encode(hrp, scureBech32.toWords(data), false);
}
