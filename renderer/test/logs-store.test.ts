import { beforeEach, describe, expect, it } from 'vitest';

import type { LogLine } from '../../shared/stack-events.js';
import { filterLines, MAX_LINES, useLogsStore } from '../src/stores/logs-store.js';

const line = (seq: number, service: string, text: string): LogLine => ({
  seq,
  at: '',
  service,
  stream: 'stdout',
  text,
});

describe('logs store', () => {
  beforeEach(() => useLogsStore.setState({ lines: [] }));

  it('appends in order and ignores lines it already has (a reconnect replays some)', () => {
    const { append } = useLogsStore.getState();
    append([line(1, 'a', 'x'), line(2, 'a', 'y')]);
    append([line(2, 'a', 'y'), line(3, 'b', 'z')]);
    expect(useLogsStore.getState().lines.map((l) => l.seq)).toEqual([1, 2, 3]);
  });

  it(`keeps at most ${MAX_LINES} lines, dropping the oldest`, () => {
    const batch = Array.from({ length: MAX_LINES + 500 }, (_, i) => line(i + 1, 'a', String(i)));
    useLogsStore.getState().append(batch);
    const { lines } = useLogsStore.getState();
    expect(lines).toHaveLength(MAX_LINES);
    expect(lines[0]?.seq).toBe(501);
  });

  it('filters by service and case-insensitive regular expression, falling back to plain text', () => {
    const lines = [
      line(1, 'postgres', 'database system is ready'),
      line(2, 'migrate', 'applied x'),
      line(3, 'postgres', 'FATAL: (oops'),
    ];
    expect(filterLines(lines, 'postgres', '').map((l) => l.seq)).toEqual([1, 3]);
    expect(filterLines(lines, null, 'READY|applied').map((l) => l.seq)).toEqual([1, 2]);
    // "(oops" is not a valid pattern: it is searched for as text.
    expect(filterLines(lines, null, '(oops').map((l) => l.seq)).toEqual([3]);
  });

  it('filters by level: warnings and errors, or the supervisor notes', () => {
    const lines: LogLine[] = [
      line(1, 'postgres', 'LOG:  checkpoint complete'),
      line(2, 'postgres', 'FATAL:  the database system is starting up'),
      { ...line(3, 'postgres', 'restarting in 250 ms (attempt 1)'), stream: 'supervisor' },
      line(4, 'agent-1', 'WARN job 12 took long'),
    ];
    expect(filterLines(lines, null, '', 'problems').map((l) => l.seq)).toEqual([2, 4]);
    expect(filterLines(lines, null, '', 'supervisor').map((l) => l.seq)).toEqual([3]);
    expect(filterLines(lines, 'postgres', '', 'all').map((l) => l.seq)).toEqual([1, 2, 3]);
  });

  it('filters 100k lines quickly enough to type into the box', () => {
    const many = Array.from({ length: 100_000 }, (_, i) =>
      line(i + 1, i % 2 ? 'a' : 'b', `line ${i} ${i % 7 === 0 ? 'error' : 'ok'}`),
    );
    const shown = filterLines(many, 'a', 'error');
    expect(shown.length).toBe(many.filter((l) => l.service === 'a' && l.text.includes('error')).length);
  });
});
