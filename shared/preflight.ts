/** The result of one pre-flight check; a failure says what is wrong and what to do, in one line. */
export interface PreflightCheck {
  readonly check: string;
  readonly ok: boolean;
  readonly message: string;
}
