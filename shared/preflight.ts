/** The result of one pre-flight check; a failure says what is wrong and what to do, in one line. */
export interface PreflightCheck {
  readonly check: string;
  readonly ok: boolean;
  /** Not ok, but the stack starts without it (some features are off, e.g. no Docker: no connector images). */
  readonly warning?: boolean;
  readonly message: string;
}
