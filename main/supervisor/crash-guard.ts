/**
 * Keeps the supervisor alive through errors nothing else caught. The supervisor is what everything relies on:
 * if it died on a stray exception (a full disk under stdout, a bug in a rarely used path) the services would
 * be orphaned and nothing would restart them. So an uncaught exception or unhandled rejection is recorded —
 * `record` turns it into a stack problem and a log line — and the supervisor goes on. Errors of stdout and
 * stderr themselves (a detached supervisor's are its log file) are swallowed: there is nowhere to write them.
 * Returns the function that removes the handlers.
 */
export function guardProcess(record: (error: Error, origin: string) => void): () => void {
  let recording = false;
  const safeRecord = (error: unknown, origin: string): void => {
    // An error while recording (the disk is still full) must not recurse.
    if (recording) return;
    recording = true;
    try {
      record(error instanceof Error ? error : new Error(String(error)), origin);
    } catch {
      // Nothing more can be done about it.
    } finally {
      recording = false;
    }
  };
  const onException = (error: Error, origin: string): void => safeRecord(error, origin);
  const onRejection = (reason: unknown): void => safeRecord(reason, 'unhandledRejection');
  const ignore = (): void => undefined;
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  process.stdout.on('error', ignore);
  process.stderr.on('error', ignore);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
    process.stdout.off('error', ignore);
    process.stderr.off('error', ignore);
  };
}

/** Writes a line to stderr when it can; never throws (stderr may be a file on a full disk). */
export function tryWriteStderr(text: string): void {
  try {
    process.stderr.write(`${text}\n`);
  } catch {
    // Nowhere left to say it.
  }
}
