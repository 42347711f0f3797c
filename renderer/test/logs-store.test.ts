import { beforeEach, describe, expect, it } from 'vitest';

import type { LogLine } from '../../shared/stack-events.js';
import { lineLevel } from '../src/lib/log-level.js';
import { compilePattern, filterLines, MAX_LINES, useLogsStore } from '../src/stores/logs-store.js';

const line = (seq: number, service: string, text: string): LogLine => ({
  seq,
  at: '',
  service,
  stream: 'stdout',
  text,
});

describe('logs store', () => {
  beforeEach(() => useLogsStore.setState({ lines: [] }));

  it('merges by sequence number: each line once, in order, whatever arrives first', () => {
    const { merge } = useLogsStore.getState();
    merge([line(1, 'a', 'x'), line(2, 'a', 'y')]);
    merge([line(2, 'a', 'y'), line(3, 'b', 'z')]);
    expect(useLogsStore.getState().lines.map((l) => l.seq)).toEqual([1, 2, 3]);
  });

  it('keeps the history that arrives after the first live lines (the feed subscribes before it fetches)', () => {
    const { merge } = useLogsStore.getState();
    // A live line logged while the history request was in flight reaches the store first.
    merge([line(101, 'postgres', 'live')]);
    merge(Array.from({ length: 101 }, (_, i) => line(i + 1, 'postgres', `history ${i + 1}`)));
    const seqs = useLogsStore.getState().lines.map((l) => l.seq);
    expect(seqs).toHaveLength(101);
    expect(seqs[0]).toBe(1);
    expect(seqs.at(-1)).toBe(101);
    expect(useLogsStore.getState().lines.at(-1)?.text).toBe('live');
  });

  it(`keeps at most ${MAX_LINES} lines, dropping the oldest`, () => {
    const batch = Array.from({ length: MAX_LINES + 500 }, (_, i) => line(i + 1, 'a', String(i)));
    useLogsStore.getState().merge(batch);
    const { lines } = useLogsStore.getState();
    expect(lines).toHaveLength(MAX_LINES);
    expect(lines[0]?.seq).toBe(501);
  });

  it('filters by service and case-insensitive regular expression; an invalid one is said to be invalid', () => {
    const lines = [
      line(1, 'postgres', 'database system is ready'),
      line(2, 'migrate', 'applied x'),
      line(3, 'postgres', 'FATAL: (oops'),
    ];
    expect(filterLines(lines, 'postgres', '').map((l) => l.seq)).toEqual([1, 3]);
    expect(filterLines(lines, null, 'READY|applied').map((l) => l.seq)).toEqual([1, 2]);
    // "(oops" is not a valid pattern: the view says so, and the filter is off meanwhile.
    expect(compilePattern('(oops').problem).toBe(
      'Not a valid regular expression: missing closing ): `(oops` (RE2 syntax: no lookarounds or backreferences)',
    );
    expect(filterLines(lines, null, '(oops').map((l) => l.seq)).toEqual([1, 2, 3]);
    expect(compilePattern('ready').problem).toBeNull();
  });

  it('reads the level from the line: a postgres LOG is not an error, even when it mentions one', () => {
    const pg = (text: string): Pick<LogLine, 'text' | 'stream'> => ({ text, stream: 'stderr' });
    expect(
      lineLevel(pg('2026-12-02 19:30:00.123 UTC [812] LOG:  database system is ready to accept connections')),
    ).toBe('info');
    expect(
      lineLevel(pg('2026-12-02 19:30:00.123 UTC [812] LOG:  could not receive data from client: error 104')),
    ).toBe('info');
    expect(
      lineLevel(pg('2026-12-02 19:30:00.123 UTC [812] WARNING:  there is no transaction in progress')),
    ).toBe('warn');
    expect(lineLevel(pg('2026-12-02 19:30:00.123 UTC [812] ERROR:  relation "x" does not exist'))).toBe(
      'error',
    );
    expect(
      lineLevel(pg('2026-12-02 19:30:00.123 UTC [812] FATAL:  the database system is starting up')),
    ).toBe('error');
    expect(lineLevel({ text: '{"level":50,"msg":"boom"}', stream: 'stdout' })).toBe('error');
    expect(lineLevel({ text: '{"level":"warn","msg":"slow"}', stream: 'stdout' })).toBe('warn');
    expect(lineLevel({ text: '[agent-1] could not start: no database', stream: 'stderr' })).toBe('error');
    expect(lineLevel({ text: 'WARN job 12 took long', stream: 'stdout' })).toBe('warn');
    expect(lineLevel({ text: 'crashed (exit code 1); restarting in 250 ms', stream: 'supervisor' })).toBe(
      'error',
    );
    // stderr alone is no error: Postgres writes everything there.
    expect(lineLevel({ text: 'checkpoint starting: time', stream: 'stderr' })).toBe('info');
  });

  it('filters by level: warnings and errors, errors, or the supervisor notes', () => {
    const lines: LogLine[] = [
      line(1, 'postgres', 'LOG:  checkpoint complete'),
      line(2, 'postgres', 'FATAL:  the database system is starting up'),
      { ...line(3, 'postgres', 'restarting in 250 ms (attempt 1)'), stream: 'supervisor' },
      line(4, 'agent-1', 'WARN job 12 took long'),
      line(5, 'postgres', 'LOG:  an error report follows'),
    ];
    expect(filterLines(lines, null, '', 'problems').map((l) => l.seq)).toEqual([2, 3, 4]);
    expect(filterLines(lines, null, '', 'errors').map((l) => l.seq)).toEqual([2]);
    expect(filterLines(lines, null, '', 'supervisor').map((l) => l.seq)).toEqual([3]);
    expect(filterLines(lines, 'postgres', '', 'all').map((l) => l.seq)).toEqual([1, 2, 3, 5]);
  });

  it('matches in linear time (RE2): a catastrophic pattern over 100k lines answers, and backtracking-only syntax is refused', () => {
    const many = Array.from({ length: 100_000 }, (_, i) =>
      line(
        i + 1,
        'postgres',
        `2026-12-02 19:30:00.123 UTC [812] LOG:  checkpoint complete: wrote ${i} buffers`,
      ),
    );
    // With JavaScript's backtracking RegExp each of these lines alone takes longer than this test may run.
    expect(filterLines(many, null, '(.+)+Z{99}$')).toEqual([]);
    expect(filterLines(many, null, '(\\w+\\s*){1,50}Q')).toEqual([]);
    expect(filterLines(many, null, 'WROTE 9999\\d BUFFERS$').map((l) => l.seq)).toEqual(
      Array.from({ length: 10 }, (_, i) => 99_991 + i),
    );
    expect(compilePattern('(?<=a)b').problem).toMatch(/^Not a valid regular expression: .*RE2 syntax/);
    expect(compilePattern('(a)\\1').problem).toMatch(
      /^Not a valid regular expression: invalid escape sequence/,
    );
    expect(compilePattern('[a-z]{1000}[0-9]{1000}').problem).toMatch(/too large a regular expression/);
  });

  it('filters 100k lines quickly enough to type into the box', () => {
    const many = Array.from({ length: 100_000 }, (_, i) =>
      line(i + 1, i % 2 ? 'a' : 'b', `line ${i} ${i % 7 === 0 ? 'error' : 'ok'}`),
    );
    const shown = filterLines(many, 'a', 'error');
    expect(shown.length).toBe(many.filter((l) => l.service === 'a' && l.text.includes('error')).length);
  });
});
