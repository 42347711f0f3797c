/** Capped exponential backoff: initial · 2^(attempt-1), at most max. Attempts count from 1. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(maxMs, initialMs * 2 ** Math.min(exponent, 30));
}

/**
 * Remembers crash times and tells whether a new one would exceed `max` within the sliding window. Crashes of a
 * start that never became healthy are sticky: they stay counted, whatever their age, until a start succeeds —
 * a service whose every start times out after a minute would otherwise never have two crashes in a window
 * and be retried forever.
 */
export class CrashWindow {
  private crashes: { at: number; sticky: boolean }[] = [];

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Records a crash at `now` and returns how many crashes count now (this one included). */
  record(now: number, sticky = false): number {
    this.crashes = this.crashes.filter((c) => c.sticky || now - c.at < this.windowMs);
    this.crashes.push({ at: now, sticky });
    return this.crashes.length;
  }

  /** A start succeeded: the failed starts before it age out like any crash. */
  settle(): void {
    this.crashes = this.crashes.map((c) => ({ ...c, sticky: false }));
  }

  /** Whether every crash counted lies within the window (none counted only for being a failed start). */
  allWithinWindow(now: number): boolean {
    return this.crashes.every((c) => now - c.at < this.windowMs);
  }

  /** True when the crashes counted exceed the allowed number of restarts. */
  exceeded(): boolean {
    return this.crashes.length > this.max;
  }

  reset(): void {
    this.crashes = [];
  }
}
