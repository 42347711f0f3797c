/** A sleep that a notification (wake) or a stop cuts short; a wake that comes while awake is remembered. */
export class WakeableDelay {
  private pendingWake = false;
  private resolveSleep: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;

  /** Sleeps up to `ms`, or returns at once if woken since the last sleep. */
  sleep(ms: number): Promise<void> {
    if (this.pendingWake) {
      this.pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.resolveSleep = resolve;
      this.timer = setTimeout(() => this.finish(), ms);
    });
  }

  /** Ends the current sleep (or the next one, if not sleeping). */
  wake(): void {
    if (this.resolveSleep) this.finish();
    else this.pendingWake = true;
  }

  private finish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const resolve = this.resolveSleep;
    this.resolveSleep = null;
    this.pendingWake = false;
    resolve?.();
  }
}
