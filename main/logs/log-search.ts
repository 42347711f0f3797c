import { setImmediate as yieldToLoop } from 'node:timers/promises';

import {
  compileLogPattern,
  LOG_PATTERN_LIMITS,
  type LogPatternLimits,
  LogSearchError,
} from '../../shared/log-pattern.js';
import type { LogLine } from '../../shared/stack-events.js';

export { LogSearchError };

/** Limits that keep one search from holding the supervisor's event loop. */
export interface LogSearchLimits extends LogPatternLimits {
  /** Characters searched between two yields to the event loop. */
  readonly sliceChars: number;
  /** Wall time after which the search gives up. */
  readonly budgetMs: number;
}

const DEFAULT_LIMITS: LogSearchLimits = {
  ...LOG_PATTERN_LIMITS,
  sliceChars: 32 * 1024,
  budgetMs: 5000,
};

/**
 * The newest `n` lines matching `pattern` (all lines without one), oldest first. The search walks from the
 * newest line back and yields to the event loop between slices, so probes, restarts and signals go on while it
 * runs; past the time budget it gives up with a LogSearchError.
 */
export async function searchLogLines(
  lines: readonly LogLine[],
  pattern: string | undefined,
  n: number,
  limits: LogSearchLimits = DEFAULT_LIMITS,
): Promise<LogLine[]> {
  if (!pattern) return lines.slice(Math.max(0, lines.length - n));
  const compiled = compileLogPattern(pattern, limits);
  const begun = Date.now();
  const found: LogLine[] = [];
  let sinceYield = 0;
  for (let i = lines.length - 1; i >= 0 && found.length < n; i--) {
    const line = lines[i]!;
    const text = line.text.length > limits.maxLineChars ? line.text.slice(0, limits.maxLineChars) : line.text;
    if (compiled.matcher(text).find()) found.push(line);
    sinceYield += text.length;
    if (sinceYield >= limits.sliceChars) {
      sinceYield = 0;
      await yieldToLoop();
      if (Date.now() - begun > limits.budgetMs) {
        throw new LogSearchError(
          'search_too_expensive',
          `the search "${pattern}" took longer than ${limits.budgetMs / 1000} s and was stopped; try a simpler pattern or a single service`,
        );
      }
    }
  }
  return found.reverse();
}
