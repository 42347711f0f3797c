import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { LineSplitter } from './line-splitter.js';
import { LogBuffer } from './log-buffer.js';
import { formatLogFileLine, parseLogFileLine } from './log-store.js';
import { RotatingLogFile } from './rotating-log-file.js';

describe('logs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'logs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rotates a file at its size limit and keeps a bounded number of old files', () => {
    const file = path.join(dir, 'svc.log');
    const log = new RotatingLogFile(file, 100, 2);
    for (let i = 0; i < 12; i++) log.write(`line ${i} ${'x'.repeat(30)}`);
    expect(readFileSync(file, 'utf8')).toContain('line 11');
    expect(readFileSync(`${file}.1`, 'utf8')).toMatch(/line [89]/);
    expect(existsSync(`${file}.2`)).toBe(true);
    expect(existsSync(`${file}.3`)).toBe(false);
    for (const f of [file, `${file}.1`, `${file}.2`]) expect(readFileSync(f).length).toBeLessThanOrEqual(100);
  });

  it('keeps only the newest lines in memory', () => {
    const buffer = new LogBuffer(3);
    for (let i = 1; i <= 5; i++)
      buffer.push({ seq: i, at: '', service: 's', stream: 'stdout', text: String(i) });
    expect(buffer.tail().map((l) => l.text)).toEqual(['3', '4', '5']);
    expect(buffer.tail(2).map((l) => l.text)).toEqual(['4', '5']);
  });

  it('reads back the lines it writes to a file, supervisor notes included', () => {
    const note = {
      seq: 7,
      at: '2026-01-01T00:00:00.000Z',
      service: 'postgres',
      stream: 'supervisor' as const,
      text: 'crashed: x',
    };
    const output = {
      ...note,
      stream: 'stdout' as const,
      text: '[supervisor] looks like a note but is output',
    };
    expect(formatLogFileLine(note)).toBe('2026-01-01T00:00:00.000Z [supervisor] crashed: x');
    expect(parseLogFileLine('postgres', formatLogFileLine(note))).toEqual({ ...note, seq: 0 });
    expect(parseLogFileLine('postgres', '2026-01-01T00:00:00.000Z plain line')).toMatchObject({
      stream: 'stdout',
      text: 'plain line',
    });
    // On disk the two cannot be told apart; the file format says so (one prefix, no escaping).
    expect(parseLogFileLine('postgres', formatLogFileLine(output)).stream).toBe('supervisor');
  });

  it('splits chunks into lines across chunk boundaries', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l));
    splitter.push('first li');
    splitter.push('ne\r\nsecond\nthi');
    expect(lines).toEqual(['first line', 'second']);
    splitter.flush();
    expect(lines).toEqual(['first line', 'second', 'thi']);
  });
});
