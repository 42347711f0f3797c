/** Writes a line to stdout. */
export function print(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** Writes a value as pretty JSON to stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes a one-line problem to stderr, in the same shape as fatal errors. */
export function printProblem(text: string): void {
  process.stderr.write(`flow-desktop: ${text}\n`);
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
