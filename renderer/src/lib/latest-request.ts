/** Whether a request is still the newest of its kind: false once a newer one began (or all were dropped). */
export type IsLatest = () => boolean;

/**
 * "Latest request wins": a store starts each load with `begin()` and applies its answer only while the check
 * it got still says so, so a slow answer to an older request (a previous filter, page or spec) never
 * overwrites a newer one. `dropAll()` makes every request in flight stale (another user signed in).
 */
export class LatestRequest {
  private newest = 0;

  /** Starts a request; the check is true until another request begins or `dropAll` is called. */
  begin(): IsLatest {
    const id = ++this.newest;
    return () => id === this.newest;
  }

  /** Makes every request in flight stale: their answers are dropped. */
  dropAll(): void {
    this.newest++;
  }

  /**
   * Runs `work` as a new request; `settle` gets its value (or error) only if it is still the newest when it
   * settles. Resolves true when the answer was applied.
   */
  async run<T>(
    work: () => Promise<T>,
    settle: { readonly value: (value: T) => void; readonly error: (error: unknown) => void },
  ): Promise<boolean> {
    const isLatest = this.begin();
    let value: T;
    try {
      value = await work();
    } catch (error) {
      const applied = isLatest();
      if (applied) settle.error(error);
      return applied;
    }
    const applied = isLatest();
    if (applied) settle.value(value);
    return applied;
  }
}
