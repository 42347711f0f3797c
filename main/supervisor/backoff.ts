/** Capped exponential backoff: initial · 2^(attempt-1), at most max. Attempts count from 1. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(maxMs, initialMs * 2 ** Math.min(exponent, 30));
}

/** Remembers restart times and tells whether a new one would exceed `max` within the sliding window. */
export class CrashWindow {
  private times: number[] = [];

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Records a crash at `now` and returns how many crashes fall in the window (this one included). */
  record(now: number): number {
    this.times = this.times.filter((t) => now - t < this.windowMs);
    this.times.push(now);
    return this.times.length;
  }

  /** True when the crashes in the window exceed the allowed number of restarts. */
  exceeded(): boolean {
    return this.times.length > this.max;
  }

  reset(): void {
    this.times = [];
  }
}
