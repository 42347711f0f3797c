import { describe, expect, it } from 'vitest';

import { invalidUtf8 } from './utf8.js';

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
