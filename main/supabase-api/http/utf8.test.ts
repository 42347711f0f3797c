import { describe, expect, it } from 'vitest';

import {
  decodeUtf8Strict,
  hasLoneSurrogate,
  invalidUtf8,
  InvalidUtf8Error,
  parseFormStrict,
} from './utf8.js';

// PostgreSQL's wording for each (select convert_from('\x..'::bytea, 'UTF8') on PostgreSQL 17).
describe('invalidUtf8', () => {
  it('accepts valid UTF-8', () => {
    expect(invalidUtf8(Buffer.from('{"name":"é ✓ 𝄞"}'))).toBeNull();
    expect(invalidUtf8(Buffer.alloc(0))).toBeNull();
  });

  it('names the offending bytes as PostgreSQL does', () => {
    expect(invalidUtf8(Buffer.from([0x61, 0xe2, 0x28, 0xa1]))).toBe('0xe2 0x28 0xa1');
    expect(invalidUtf8(Buffer.from([0x61, 0xff, 0x62]))).toBe('0xff');
    expect(invalidUtf8(Buffer.from([0x61, 0xc3]))).toBe('0xc3');
    expect(invalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe('0xed 0xa0 0x80');
    expect(invalidUtf8(Buffer.from([0x61, 0xc0, 0x80]))).toBe('0xc0 0x80');
    expect(invalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe('0xf4 0x90 0x80 0x80');
  });
});

describe('decodeUtf8Strict', () => {
  it('decodes valid UTF-8 and throws on invalid bytes instead of putting U+FFFD in their place', () => {
    expect(decodeUtf8Strict(Buffer.from('é 𝄞'))).toBe('é 𝄞');
    expect(() => decodeUtf8Strict(Buffer.from([0x61, 0xff]))).toThrow(new InvalidUtf8Error('0xff'));
    expect(() => decodeUtf8Strict(Buffer.from([0x61, 0xff]))).toThrow(
      'invalid byte sequence for encoding "UTF8": 0xff',
    );
  });
});

describe('parseFormStrict', () => {
  it('reads forms and query strings as URLSearchParams does', () => {
    for (const text of ['a=1&b=x+y&c=%C3%A9', 'a&&b=&=c', 'a=100%&b=%zz&c=%4', 'k%20ey=v%2Bw']) {
      expect([...parseFormStrict(text)]).toEqual([...new URLSearchParams(text)]);
    }
  });

  it('throws on escapes that spell invalid UTF-8 (URLSearchParams would give U+FFFD)', () => {
    expect(() => parseFormStrict('token=%FF')).toThrow(new InvalidUtf8Error('0xff'));
    expect(() => parseFormStrict('a=1&%C3=x')).toThrow(new InvalidUtf8Error('0xc3'));
    expect(() => parseFormStrict('p=%ED%A0%80')).toThrow(new InvalidUtf8Error('0xed 0xa0 0x80'));
  });
});

describe('hasLoneSurrogate', () => {
  it('finds lone surrogates in nested strings and keys, not in valid pairs', () => {
    expect(hasLoneSurrogate(JSON.parse('{"a":["x",{"b":"\\ud834\\udd1e"}]}'))).toBe(false);
    expect(hasLoneSurrogate(JSON.parse('{"a":["x",{"b":"\\ud800"}]}'))).toBe(true);
    expect(hasLoneSurrogate(JSON.parse('{"\\udc00":1}'))).toBe(true);
    expect(hasLoneSurrogate('\udc00\ud800')).toBe(true);
    expect(hasLoneSurrogate(42)).toBe(false);
  });
});
