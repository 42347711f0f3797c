import { describe, expect, it } from 'vitest';

import type { LogLine } from '../../shared/stack-events.js';
import { compileLogPattern } from '../../shared/log-pattern.js';
import { LogSearchError, searchLogLines } from './log-search.js';

const line = (seq: number, text: string): LogLine => ({ seq, at: '', service: 's', stream: 'stdout', text });

describe('log search', () => {
  it('finds the newest n matching lines, case-insensitively, oldest first', async () => {
    const lines = ['ok', 'ERROR one', 'fine', 'error two', 'Error three'].map((t, i) => line(i, t));
    expect((await searchLogLines(lines, 'error', 2)).map((l) => l.text)).toEqual([
      'error two',
      'Error three',
    ]);
    expect((await searchLogLines(lines, undefined, 2)).map((l) => l.text)).toEqual([
      'error two',
      'Error three',
    ]);
    expect(await searchLogLines(lines, 'nothing', 5)).toEqual([]);
  });

  it('matches a catastrophic-backtracking pattern in linear time', async () => {
    // With JavaScript's RegExp this takes longer than the age of the universe on these lines.
    const lines = Array.from({ length: 2000 }, (_, i) => line(i, `${'a'.repeat(200)} ${i}`));
    const begun = Date.now();
    expect(await searchLogLines(lines, '(.+)+Z{99}$', 100)).toEqual([]);
    expect(Date.now() - begun).toBeLessThan(10_000);
  });

  it('keeps the event loop turning while it searches', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => line(i, 'x'.repeat(1000)));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    await searchLogLines(lines, '[a-z]{50}[0-9]{50}', 10, {
      maxPatternLength: 1000,
      maxProgramSize: 2000,
      sliceChars: 16 * 1024,
      maxLineChars: 64 * 1024,
      budgetMs: 60_000,
    });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(10);
  });

  it('gives up past its time budget with a clear error', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => line(i, 'b'.repeat(2000)));
    const limits = {
      maxPatternLength: 1000,
      maxProgramSize: 5000,
      sliceChars: 8192,
      maxLineChars: 65536,
      budgetMs: 50,
    };
    await expect(searchLogLines(lines, '[a-z]{300}[0-9]{300}', 10, limits)).rejects.toThrow(
      /took longer than 0.05 s and was stopped/,
    );
  });

  it('rejects invalid, backtracking-only and oversized patterns with a sentence', () => {
    const reason = (pattern: string): string => {
      try {
        compileLogPattern(pattern);
        return 'compiled';
      } catch (error: unknown) {
        expect(error).toBeInstanceOf(LogSearchError);
        return (error as Error).message;
      }
    };
    expect(reason('(')).toBe(
      '"(" is not a valid search: missing closing ): `(` (RE2 syntax: no lookarounds or backreferences)',
    );
    expect(reason('(a)\\1')).toMatch(/is not a valid search: invalid escape sequence/);
    expect(reason('(?<=a)b')).toMatch(/is not a valid search/);
    expect(reason('x'.repeat(1001))).toBe('the search is 1001 characters long; at most 1000 are allowed');
    expect(reason('[a-z]{1000}[0-9]{1000}')).toMatch(/too large a regular expression/);
  });
});
