import { describe, expect, it } from 'vitest';

import { LatestRequest } from '../src/lib/latest-request.js';

/** A promise settled by hand, so a test decides the order answers arrive in. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('LatestRequest', () => {
  it('drops a stale answer that arrives after the newer one', async () => {
    const latest = new LatestRequest();
    const applied: string[] = [];
    const older = deferred<string>();
    const newer = deferred<string>();
    const settle = { value: (v: string) => applied.push(v), error: () => applied.push('error') };
    const first = latest.run(() => older.promise, settle);
    const second = latest.run(() => newer.promise, settle);
    newer.resolve('newer');
    expect(await second).toBe(true);
    older.resolve('older');
    expect(await first).toBe(false);
    expect(applied).toEqual(['newer']);
  });

  it('drops a stale answer that arrives before the newer one, and a stale error', async () => {
    const latest = new LatestRequest();
    const applied: string[] = [];
    const older = deferred<string>();
    const failing = deferred<string>();
    const newer = deferred<string>();
    const settle = {
      value: (v: string) => applied.push(v),
      error: (e: unknown) => applied.push(`error: ${String(e)}`),
    };
    const first = latest.run(() => older.promise, settle);
    const second = latest.run(() => failing.promise, settle);
    const third = latest.run(() => newer.promise, settle);
    older.resolve('older');
    failing.reject(new Error('boom'));
    expect([await first, await second]).toEqual([false, false]);
    expect(applied).toEqual([]);
    newer.resolve('newer');
    expect(await third).toBe(true);
    expect(applied).toEqual(['newer']);
  });

  it("applies the newest request's error", async () => {
    const latest = new LatestRequest();
    const errors: unknown[] = [];
    const applied = await latest.run(() => Promise.reject(new Error('refused')), {
      value: () => undefined,
      error: (e) => errors.push(e),
    });
    expect(applied).toBe(true);
    expect(errors).toEqual([new Error('refused')]);
  });

  it('begin() checks stay true only until the next request; dropAll() makes every request stale', () => {
    const latest = new LatestRequest();
    const a = latest.begin();
    expect(a()).toBe(true);
    const b = latest.begin();
    expect([a(), b()]).toEqual([false, true]);
    latest.dropAll();
    expect(b()).toBe(false);
    expect(latest.begin()()).toBe(true);
  });
});
