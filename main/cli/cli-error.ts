/** An expected failure: printed as one line that says what to do, exit code 1. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Wraps a command action so every failure ends as one line on stderr and a non-zero exit code. */
export function action<A extends unknown[]>(
  run: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (error: unknown) {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`flow-desktop: ${message.split('\n')[0] ?? message}\n`);
      if (process.env.FLOW_DESKTOP_DEBUG && error instanceof Error && error.stack) {
        process.stderr.write(`${error.stack}\n`);
      }
      process.exitCode = error instanceof CliError ? error.exitCode : 1;
    }
  };
}
