// How sops turns one JSON leaf into bytes and back (its `ToBytes` and `type:` tags), and its `ENC[...]` strings.
// Web-standard code only (no Node imports): the GUI type-checks shared/, and Edge Functions bundle it.

/** A JSON value as sops walks it. */
export type SopsJson = string | number | boolean | null | SopsJson[] | { [key: string]: SopsJson };

/** The `type:` of an encrypted value. sops's JSON store reads every number as a float64. */
export type SopsValueType = 'str' | 'float' | 'int' | 'bool';

/** One `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` value, decoded. */
export interface EncryptedValue {
  readonly data: Uint8Array;
  readonly iv: Uint8Array;
  readonly tag: Uint8Array;
  readonly type: SopsValueType;
}

const ENC =
  /^ENC\[AES256_GCM,data:([A-Za-z0-9+/=]*),iv:([A-Za-z0-9+/=]+),tag:([A-Za-z0-9+/=]+),type:(\w+)\]$/;

/** True for a string in sops's encrypted-value format. */
export function isEncryptedValue(value: unknown): value is string {
  return typeof value === 'string' && ENC.test(value);
}

/** Parses an `ENC[...]` string; throws on anything else. */
export function parseEncryptedValue(value: string): EncryptedValue {
  const m = ENC.exec(value);
  if (!m) throw new Error('not a sops-encrypted value');
  const type = m[4]!;
  if (type !== 'str' && type !== 'float' && type !== 'int' && type !== 'bool') {
    throw new Error(`unsupported sops value type "${type}"`);
  }
  return { data: fromBase64(m[1]!), iv: fromBase64(m[2]!), tag: fromBase64(m[3]!), type };
}

/** Formats an encrypted value as sops writes it. */
export function formatEncryptedValue(v: EncryptedValue): string {
  return `ENC[AES256_GCM,data:${toBase64(v.data)},iv:${toBase64(v.iv)},tag:${toBase64(v.tag)},type:${v.type}]`;
}

/** The bytes sops encrypts and hashes for a leaf, with its type tag (Go's FormatFloat 'f' -1, "True"/"False"). */
export function leafBytes(value: string | number | boolean): { bytes: Uint8Array; type: SopsValueType } {
  if (typeof value === 'string') return { bytes: utf8(value), type: 'str' };
  if (typeof value === 'boolean') return { bytes: utf8(value ? 'True' : 'False'), type: 'bool' };
  return { bytes: utf8(formatFloat(value)), type: 'float' };
}

/** A decrypted leaf back as its JSON value. */
export function leafValue(bytes: Uint8Array, type: SopsValueType): string | number | boolean {
  const text = new TextDecoder().decode(bytes);
  switch (type) {
    case 'str':
      return text;
    case 'bool':
      // Go's strconv.ParseBool.
      if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
      if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
      throw new Error(`invalid boolean "${text}" in a sops value`);
    case 'int':
    case 'float': {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n))
        throw new Error(`invalid number "${text}" in a sops value`);
      return n;
    }
  }
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64): the shortest decimal that round-trips, never an exponent. */
export function formatFloat(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`${value} is not a JSON number`);
  const text = String(value);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign, lead, frac = '', exp] = m;
  const digits = `${lead}${frac}`;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(new TextEncoder().encode(text));
}

/** Standard base64 with padding, as Go's StdEncoding. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Decodes standard base64. */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
