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
