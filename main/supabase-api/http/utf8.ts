import { isUtf8 } from 'node:buffer';

/** The length of the UTF-8 sequence a lead byte starts, as PostgreSQL's pg_utf_mblen counts it. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if ((lead & 0xe0) === 0xc0) return 2;
  if ((lead & 0xf0) === 0xe0) return 3;
  if ((lead & 0xf8) === 0xf0) return 4;
  return 1;
}

/** Whether `bytes[at..at+len)` is one well-formed UTF-8 character (no overlong form, surrogate or > U+10FFFF). */
function wellFormed(bytes: Uint8Array, at: number, len: number): boolean {
  const b0 = bytes[at]!;
  if (len === 1) return b0 < 0x80;
  if (at + len > bytes.length) return false;
  for (let i = 1; i < len; i++) if ((bytes[at + i]! & 0xc0) !== 0x80) return false;
  const b1 = bytes[at + 1]!;
  if (len === 2) return b0 >= 0xc2;
  if (len === 3) {
    if (b0 === 0xe0) return b1 >= 0xa0;
    if (b0 === 0xed) return b1 < 0xa0;
    return true;
  }
  if (b0 === 0xf0) return b1 >= 0x90;
  if (b0 === 0xf4) return b1 < 0x90;
  return b0 < 0xf4;
}

/**
 * Null when `bytes` is valid UTF-8; otherwise the offending bytes as PostgreSQL reports them in its 22021
 * error (`0xe2 0x28 0xa1`): the sequence the first bad lead byte announces, cut at the end of the input.
 */
export function invalidUtf8(bytes: Uint8Array): string | null {
  if (isUtf8(bytes)) return null;
  let at = 0;
  while (at < bytes.length) {
    const len = sequenceLength(bytes[at]!);
    if (!wellFormed(bytes, at, len)) {
      const shown = bytes.subarray(at, Math.min(at + len, bytes.length));
      return [...shown].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ');
    }
    at += len;
  }
  return null;
}

/** Thrown when text decodes to invalid UTF-8; `bytes` shows the offending bytes as invalidUtf8 does. */
export class InvalidUtf8Error extends Error {
  constructor(readonly bytes: string) {
    super(`invalid byte sequence for encoding "UTF8": ${bytes}`);
  }
}

/** Bytes as UTF-8 text; invalid UTF-8 throws InvalidUtf8Error instead of becoming U+FFFD. */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  const bad = invalidUtf8(bytes);
  if (bad !== null) throw new InvalidUtf8Error(bad);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

const HEX = /^[0-9a-fA-F]{2}$/;

/** One name or value of a form or query string: `+` is a space, `%XX` a byte; the bytes must be UTF-8. */
function decodeFormComponent(text: string): string {
  const spaced = text.replaceAll('+', ' ');
  if (!spaced.includes('%')) return spaced;
  const raw = Buffer.from(spaced, 'utf8');
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const hex = raw[i] === 0x25 ? raw.subarray(i + 1, i + 3).toString('latin1') : '';
    if (HEX.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(raw[i]!);
  }
  return decodeUtf8Strict(Uint8Array.from(bytes));
}

/**
 * An `application/x-www-form-urlencoded` body or a query string, read as URLSearchParams reads it (a `%`
 * that starts no escape stays as it is), except that escapes spelling invalid UTF-8 throw InvalidUtf8Error
 * where URLSearchParams would put U+FFFD in their place.
 */
export function parseFormStrict(text: string): URLSearchParams {
  const params = new URLSearchParams();
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    params.append(
      decodeFormComponent(eq < 0 ? pair : pair.slice(0, eq)),
      eq < 0 ? '' : decodeFormComponent(pair.slice(eq + 1)),
    );
  }
  return params;
}

// A high surrogate not followed by a low one, or a low one without a high one before it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether a parsed JSON value holds a string (or key) with a lone surrogate (from a `\ud800` escape): it
 * has no UTF-8 form, and encoding it would store U+FFFD in its place.
 */
export function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.some(hasLoneSurrogate);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([k, v]) => LONE_SURROGATE.test(k) || hasLoneSurrogate(v));
  }
  return false;
}
