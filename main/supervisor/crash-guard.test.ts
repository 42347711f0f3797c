import { execFile } from 'node:child_process';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

describe('crash guard', () => {
  it('records uncaught exceptions and rejections and lets the process go on', async () => {
    const script = `
      const { guardProcess } = await import(${JSON.stringify(path.join(import.meta.dirname, 'crash-guard.ts'))});
      guardProcess((error, origin) => console.log('recorded', origin, error.message));
      setTimeout(() => { throw new Error('boom'); }, 10);
      setTimeout(() => void Promise.reject(new Error('rejected')), 20);
      setTimeout(() => console.log('still running'), 60);`;
    const out = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], (error, stdout) =>
        resolve({ code: error ? 1 : 0, stdout }),
      ),
    );
    expect(out.stdout.split('\n').filter(Boolean)).toEqual([
      'recorded uncaughtException boom',
      'recorded unhandledRejection rejected',
      'still running',
    ]);
    expect(out.code).toBe(0);
  });
});
