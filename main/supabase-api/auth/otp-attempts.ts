/**
 * Wrong guesses at a user's current e-mailed code, so a code dies after a few: GoTrue relies on the
 * per-client `token_verifications` limit alone, but every client of this stack is 127.0.0.1, so a cap per
 * code is what keeps one code's odds fixed (the design of supabase/auth#2819). A new code starts a new
 * count; the counts live in memory (a restart forgets them, the rate limit still holds).
 */
export class OtpAttempts {
  private readonly counts = new Map<string, { code: string; failures: number }>();

  constructor(readonly maxFailures: number) {}

  /**
   * Counts a wrong guess against `userId`'s code `codeKey` (its current token hashes); true when this
   * guess used up the code's last attempt.
   */
  fail(userId: string, codeKey: string): boolean {
    const found = this.counts.get(userId);
    const failures = found && found.code === codeKey ? found.failures + 1 : 1;
    if (this.counts.size > 10_000) this.counts.clear();
    this.counts.set(userId, { code: codeKey, failures });
    return failures >= this.maxFailures;
  }

  /** Forgets a user's count (the code was used or replaced). */
  reset(userId: string): void {
    this.counts.delete(userId);
  }
}

/** Wrong guesses a code survives: GoTrue's recovery-code default (`max_verify_attempts` = 5). */
export const OTP_MAX_FAILURES = 5;
