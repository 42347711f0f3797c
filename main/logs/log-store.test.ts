import { describe, expect, it } from 'vitest';

import type { StackProblem } from '../../shared/stack-status.js';
import { LogStore } from './log-store.js';

/** Log files in memory whose disk can be made full. */
function fakeDisk(): {
  files: Map<string, string[]>;
  full: boolean;
  open: (file: string) => { write(l: string): void };
} {
  const disk = {
    files: new Map<string, string[]>(),
    full: false,
    open: (file: string) => ({
      write: (line: string) => {
        if (disk.full)
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        disk.files.set(file, [...(disk.files.get(file) ?? []), line]);
      },
    }),
  };
  return disk;
}

describe('log store on a failing disk', () => {
  it('never throws on a full disk, keeps lines in memory, reports the problem and catches up once space returns', async () => {
    const disk = fakeDisk();
    const problems: { problem: StackProblem; resolved: boolean }[] = [];
    const seen: string[] = [];
    const store = new LogStore(
      '/logs',
      (l) => seen.push(l.text),
      (problem, resolved) => problems.push({ problem, resolved }),
      {
        retryMs: 20,
        maxPendingLines: 3,
        openFile: disk.open,
      },
    );
    store.append('postgres', 'stdout', 'before');
    disk.full = true;
    for (let i = 1; i <= 5; i++)
      expect(() => store.append('postgres', 'stderr', `during ${i}`)).not.toThrow();
    // Memory and listeners get every line; the disk none of the new ones.
    expect(store.tail('postgres').map((l) => l.text)).toEqual([
      'before',
      'during 1',
      'during 2',
      'during 3',
      'during 4',
      'during 5',
    ]);
    expect(seen).toHaveLength(6);
    expect(disk.files.get('/logs/postgres.log')).toHaveLength(1);
    expect(store.problem()).toMatchObject({ id: 'disk-full', severity: 'error' });
    expect(store.problem()?.message).toContain('3 lines waiting, 2 dropped');
    expect(problems).toEqual([
      { problem: expect.objectContaining({ id: 'disk-full' }) as StackProblem, resolved: false },
    ]);

    await new Promise((r) => setTimeout(r, 60));
    expect(store.problem()).not.toBeNull();
    disk.full = false;
    await new Promise((r) => setTimeout(r, 60));
    expect(store.problem()).toBeNull();
    expect(problems.at(-1)?.resolved).toBe(true);
    const written = disk.files.get('/logs/postgres.log')!.map((l) => l.slice(25));
    expect(written.slice(0, 4)).toEqual(['before', 'during 3', 'during 4', 'during 5']);
    expect(written[4]).toMatch(
      /^\[supervisor\] log lines could not be written from .* \(ENOSPC\); .* except 2 dropped/,
    );
    store.append('postgres', 'stdout', 'after');
    expect(disk.files.get('/logs/postgres.log')!.at(-1)).toMatch(/ after$/);
    store.close();
  });

  it('a log directory that cannot even be created is a log-write problem, not an exception', () => {
    const store = new LogStore(
      '/logs',
      () => undefined,
      () => undefined,
      {
        openFile: () => {
          throw Object.assign(new Error('EROFS: read-only file system, mkdir'), { code: 'EROFS' });
        },
      },
    );
    expect(() => store.append('api', 'stdout', 'x')).not.toThrow();
    expect(store.problem()).toMatchObject({ id: 'log-write' });
    expect(store.problem()?.message).toContain('EROFS');
    store.close();
  });
});
