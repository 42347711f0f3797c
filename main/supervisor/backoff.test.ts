import { describe, expect, it } from 'vitest';

import { backoffDelay, CrashWindow } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, 250, 8000))).toEqual([
      250, 500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });

  it('does not overflow for absurd attempt counts', () => {
    expect(backoffDelay(10_000, 250, 8000)).toBe(8000);
  });
});

describe('CrashWindow', () => {
  it('counts only the crashes inside the sliding window', () => {
    const window = new CrashWindow(2, 1000);
    expect(window.record(0)).toBe(1);
    expect(window.record(400)).toBe(2);
    expect(window.exceeded()).toBe(false);
    expect(window.record(900)).toBe(3);
    expect(window.exceeded()).toBe(true);
    // Long after, the old crashes have left the window.
    expect(window.record(5000)).toBe(1);
    expect(window.exceeded()).toBe(false);
  });
});

describe('failed starts in the crash window', () => {
  it('counts starts that never became healthy whatever their age, until a start succeeds', () => {
    const window = new CrashWindow(2, 1000);
    // Each start times out after a minute: far apart, but all failed starts.
    expect(window.record(0, true)).toBe(1);
    expect(window.record(60_000, true)).toBe(2);
    expect(window.exceeded()).toBe(false);
    expect(window.record(120_000, true)).toBe(3);
    expect(window.exceeded()).toBe(true);
    expect(window.allWithinWindow(120_000)).toBe(false);
    window.reset();
    window.record(0, true);
    window.settle();
    // After a healthy run, old crashes age out as usual.
    expect(window.record(60_000, false)).toBe(1);
  });
});
