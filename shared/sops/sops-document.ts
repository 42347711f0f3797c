// sops JSON documents encrypted for age recipients, byte-compatible with sops 3.7 (what Flow's agent and the
// config-encryption service ran in 2022): every selected leaf is AES-256-GCM encrypted under one random data
// key with its key path as additional data, the data key is age-encrypted per recipient, and a MAC (SHA-512
// over every leaf, encrypted under the data key with `lastmodified` as additional data) guards the whole.
import type * as AgeEncryption from 'age-encryption';

import {
  type EncryptedValue,
  formatEncryptedValue,
  isEncryptedValue,
  leafBytes,
  leafValue,
  parseEncryptedValue,
  type SopsJson,
  utf8,
} from './sops-values.js';

// age-encryption (and its crypto libraries) loads on the first encryption or decryption: the agent imports this
// module at start, and most agents never see a sops document.
const ageLibrary = (): Promise<typeof AgeEncryption> => import('age-encryption');

/** The sops version written into metadata (the 2022 agent's). */
export const SOPS_VERSION = '3.7.3';

/** The suffix Estuary's config-encryption service gives secret keys, which Flow strips after decrypting. */
export const ENCRYPTED_SUFFIX = '_sops';

/** The `sops` metadata block of a JSON document encrypted with age. */
export interface SopsMetadata {
  readonly kms: null;
  readonly gcp_kms: null;
  readonly azure_kv: null;
  readonly hc_vault: null;
  readonly age: readonly { readonly recipient: string; readonly enc: string }[];
  readonly lastmodified: string;
  readonly mac: string;
  readonly pgp: null;
  readonly encrypted_suffix?: string;
  readonly unencrypted_suffix?: string;
  /** sops ≥ 3.8: the MAC covers only the encrypted leaves. */
  readonly mac_only_encrypted?: boolean;
  readonly version: string;
}

/** A JSON object with a `sops` block. */
export interface SopsDocument {
  readonly [key: string]: SopsJson | SopsMetadata;
  readonly sops: SopsMetadata;
}

/** A key of Web Crypto (AES-GCM). */
type AesKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** How to encrypt. */
export interface EncryptOptions {
  /** age recipients (`age1…`); each can decrypt the document. */
  readonly recipients: readonly string[];
  /** Encrypt only leaves below a key with this suffix (sops --encrypted-suffix); unset encrypts every leaf. */
  readonly encryptedSuffix?: string;
  /** The modification time written and authenticated (tests pin it). */
  readonly now?: Date;
}

const KEY_BYTES = 32;
const IV_BYTES = 32;
const TAG_BYTES = 16;

/** True when a value is a JSON object carrying sops metadata (a document to decrypt). */
export function isSopsDocument(value: unknown): value is SopsDocument {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const sops = (value as Record<string, unknown>).sops;
  return (
    typeof sops === 'object' &&
    sops !== null &&
    typeof (sops as Record<string, unknown>).mac === 'string' &&
    typeof (sops as Record<string, unknown>).lastmodified === 'string'
  );
}

/** Encrypts a JSON object as `sops --encrypt --input-type json --output-type json` does. */
export async function encryptSops(
  document: { readonly [key: string]: SopsJson },
  options: EncryptOptions,
): Promise<SopsDocument> {
  if ('sops' in document) throw new Error('the document is already sops-encrypted');
  if (options.recipients.length === 0) throw new Error('sops needs at least one age recipient');
  const dataKey = crypto.getRandomValues(new Uint8Array(KEY_BYTES));
  const key = await importKey(dataKey);
  const suffix = options.encryptedSuffix;
  const rules = suffix === undefined ? {} : { encrypted_suffix: suffix };
  const hash = new MacHash();
  const body = (await mapLeaves(document, async (value, path) => {
    const { bytes, type } = leafBytes(value);
    hash.add(bytes);
    // sops leaves empty strings as they are (there is nothing to hide; the MAC still covers them).
    if (!isSelected(path, rules) || value === '') return value;
    return encryptLeaf(key, bytes, type, aadOf(path));
  })) as Record<string, SopsJson>;
  const lastmodified = rfc3339(options.now ?? new Date());
  const mac = await encryptLeaf(key, utf8(await hash.hex()), 'str', lastmodified);
  const age = [];
  const { armor, Encrypter } = await ageLibrary();
  for (const recipient of options.recipients) {
    const encrypter = new Encrypter();
    encrypter.addRecipient(recipient);
    age.push({ recipient, enc: armor.encode(await encrypter.encrypt(dataKey)) });
  }
  const sops: SopsMetadata = {
    kms: null,
    gcp_kms: null,
    azure_kv: null,
    hc_vault: null,
    age,
    lastmodified,
    mac,
    pgp: null,
    ...rules,
    version: SOPS_VERSION,
  };
  return { ...body, sops };
}

/**
 * Decrypts a sops document with age identities (`AGE-SECRET-KEY-1…`) and checks its MAC, as `sops --decrypt`:
 * returns the document without its `sops` block, keys as they are (see stripEncryptedSuffix).
 */
export async function decryptSops(
  document: SopsDocument,
  identities: readonly string[],
): Promise<{ [key: string]: SopsJson }> {
  const { sops, ...body } = document;
  const unsupported = ['encrypted_regex', 'unencrypted_regex'].filter((k) => k in sops);
  if (unsupported.length > 0)
    throw new Error(`sops documents with ${unsupported.join(', ')} are not supported`);
  const key = await importKey(await unwrapDataKey(sops, identities));
  const hash = new MacHash();
  const plain = (await mapLeaves(body as SopsJson, async (value, path) => {
    const selected = isSelected(path, sops);
    const clear =
      selected && isEncryptedValue(value)
        ? await decryptLeaf(key, parseEncryptedValue(value), aadOf(path), path)
        : value;
    if (selected || sops.mac_only_encrypted !== true) hash.add(leafBytes(clear).bytes);
    return clear;
  })) as Record<string, SopsJson>;
  const mac = await decryptLeaf(key, parseEncryptedValue(sops.mac), sops.lastmodified, ['sops', 'mac']);
  if (typeof mac !== 'string' || mac.toUpperCase() !== (await hash.hex())) {
    throw new Error('the sops MAC does not match the document: it was changed after it was encrypted');
  }
  return plain;
}

/**
 * Rebuilds a JSON value with each leaf (string, number, boolean) replaced, in document order, as sops walks a
 * tree: a leaf's path is the object keys above it (array positions are not part of it); nulls stay as they are.
 */
async function mapLeaves(
  value: SopsJson,
  leaf: (value: string | number | boolean, path: readonly string[]) => Promise<SopsJson>,
  path: readonly string[] = [],
): Promise<SopsJson> {
  if (value === null) return null;
  if (Array.isArray(value)) {
    const out: SopsJson[] = [];
    for (const item of value) out.push(await mapLeaves(item, leaf, path));
    return out;
  }
  if (typeof value === 'object') {
    const out: Record<string, SopsJson> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await mapLeaves(v, leaf, [...path, k]);
    return out;
  }
  return leaf(value, path);
}

/** Removes a suffix from every key that has it, as Flow does after decrypting a connector config. */
export function stripEncryptedSuffix(value: SopsJson, suffix: string): SopsJson {
  if (Array.isArray(value)) return value.map((v) => stripEncryptedSuffix(v, suffix));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, SopsJson> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k.endsWith(suffix) ? k.slice(0, -suffix.length) : k] = stripEncryptedSuffix(v, suffix);
  }
  return out;
}

/**
 * A connector config as the connector must see it: a sops document is decrypted and its encrypted suffix
 * stripped (Flow's runtime does this before every connector call); anything else is returned unchanged.
 */
export async function unsealConfig(config: unknown, identities: readonly string[]): Promise<unknown> {
  if (!isSopsDocument(config)) return config;
  const plain = await decryptSops(config, identities);
  const suffix = config.sops.encrypted_suffix;
  return suffix ? stripEncryptedSuffix(plain, suffix) : plain;
}

/** Whether sops encrypts the leaf at a path, by the document's suffix rules (no rule: every leaf). */
function isSelected(
  path: readonly string[],
  rules: Pick<SopsMetadata, 'encrypted_suffix' | 'unencrypted_suffix'>,
): boolean {
  if (rules.unencrypted_suffix) return !path.some((k) => k.endsWith(rules.unencrypted_suffix!));
  if (rules.encrypted_suffix) return path.some((k) => k.endsWith(rules.encrypted_suffix!));
  return true;
}

/** The additional data of a leaf: its object keys joined and ended by ":" (array positions are not part of it). */
function aadOf(path: readonly string[]): string {
  return `${path.join(':')}:`;
}

function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function unwrapDataKey(sops: SopsMetadata, identities: readonly string[]): Promise<Uint8Array> {
  const recipients = sops.age as unknown;
  if (!Array.isArray(recipients) || recipients.length === 0) {
    throw new Error('the sops document has no age recipients (other key services are not supported here)');
  }
  if (identities.length === 0) throw new Error('no age key to decrypt the sops document with');
  const { armor, Decrypter } = await ageLibrary();
  for (const entry of sops.age) {
    const decrypter = new Decrypter();
    for (const identity of identities) decrypter.addIdentity(identity);
    try {
      const dataKey = await decrypter.decrypt(armor.decode(entry.enc));
      if (dataKey.length === KEY_BYTES) return dataKey;
    } catch {
      // Encrypted for another recipient: try the next one.
    }
  }
  throw new Error(
    `none of the age keys can decrypt this sops document (its recipients: ${sops.age.map((a) => a.recipient).join(', ')})`,
  );
}

function importKey(raw: Uint8Array): Promise<AesKey> {
  return crypto.subtle.importKey('raw', new Uint8Array(raw), 'AES-GCM', false, ['encrypt', 'decrypt']);
}

async function encryptLeaf(
  key: AesKey,
  bytes: Uint8Array,
  type: EncryptedValue['type'],
  aad: string,
): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: utf8(aad), tagLength: TAG_BYTES * 8 },
      key,
      new Uint8Array(bytes),
    ),
  );
  return formatEncryptedValue({
    data: sealed.slice(0, sealed.length - TAG_BYTES),
    iv,
    tag: sealed.slice(sealed.length - TAG_BYTES),
    type,
  });
}

async function decryptLeaf(
  key: AesKey,
  value: EncryptedValue,
  aad: string,
  path: readonly string[],
): Promise<string | number | boolean> {
  const sealed = new Uint8Array(value.data.length + value.tag.length);
  sealed.set(value.data);
  sealed.set(value.tag, value.data.length);
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: new Uint8Array(value.iv),
        additionalData: utf8(aad),
        tagLength: TAG_BYTES * 8,
      },
      key,
      sealed,
    );
  } catch {
    throw new Error(
      `the sops value at /${path.join('/')} does not decrypt: wrong key, or it was changed or moved`,
    );
  }
  return leafValue(new Uint8Array(plain), value.type);
}

/** SHA-512 over the bytes of every leaf, in document order, as sops computes its MAC. */
class MacHash {
  private readonly parts: Uint8Array[] = [];

  add(bytes: Uint8Array): void {
    this.parts.push(bytes);
  }

  async hex(): Promise<string> {
    const total = this.parts.reduce((n, p) => n + p.length, 0);
    const all = new Uint8Array(total);
    let at = 0;
    for (const p of this.parts) {
      all.set(p, at);
      at += p.length;
    }
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-512', all));
    return [...digest]
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('')
      .toUpperCase();
  }
}
