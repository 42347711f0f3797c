/** Reports the phases of a long database operation; each phase ends with its elapsed time. */
export interface Progress {
  /** Runs one phase: announces it, then reports how it ended and how long it took. */
  phase<T>(message: string, work: () => Promise<T>): Promise<T>;
}

/** Reports nothing (the control API, tests). */
export const SILENT: Progress = { phase: (_message, work) => work() };

/**
 * Phases as lines on a stream (stderr for the CLI, so stdout stays the result): `… message` when a phase
 * starts, `✓ message (1.23s)` or `✗ message (0.40s)` when it ends.
 */
export function streamProgress(out: NodeJS.WritableStream): Progress {
  return {
    async phase(message, work) {
      const started = Date.now();
      out.write(`  … ${message}\n`);
      const seconds = (): string => ((Date.now() - started) / 1000).toFixed(2);
      try {
        const result = await work();
        out.write(`  ✓ ${message} (${seconds()}s)\n`);
        return result;
      } catch (error: unknown) {
        out.write(`  ✗ ${message} (${seconds()}s)\n`);
        throw error;
      }
    },
  };
}
