import { setImmediate as yieldToLoop } from 'node:timers/promises';

import { RE2JS } from 're2js';

import type { LogLine } from '../../shared/stack-events.js';

/** A search the supervisor will not run: a pattern that is not valid, too big, or too slow. */
export class LogSearchError extends Error {
  constructor(
    readonly code: 'bad_search' | 'search_too_expensive',
    message: string,
  ) {
    super(message);
  }
}

/** Limits that keep one search from holding the supervisor's event loop. */
export interface LogSearchLimits {
  readonly maxPatternLength: number;
  /** RE2 program size (instructions): matching cost per character grows with it. */
  readonly maxProgramSize: number;
  /** Characters searched between two yields to the event loop. */
  readonly sliceChars: number;
  /** Only the start of a very long line is searched. */
  readonly maxLineChars: number;
  /** Wall time after which the search gives up. */
  readonly budgetMs: number;
}

const DEFAULT_LIMITS: LogSearchLimits = {
  maxPatternLength: 1000,
  maxProgramSize: 2000,
  sliceChars: 32 * 1024,
  maxLineChars: 64 * 1024,
  budgetMs: 5000,
};

/**
 * Compiles a case-insensitive log search with RE2 semantics (re2js, a pure-JS port of RE2): matching is linear in
 * the text, so no pattern — `(.+)+Z{99}$` included — can backtrack for minutes. Lookarounds and backreferences,
 * which need backtracking, are rejected with RE2's own explanation.
 */
export function compileLogSearch(pattern: string, limits: LogSearchLimits = DEFAULT_LIMITS): RE2JS {
  if (pattern.length > limits.maxPatternLength) {
    throw new LogSearchError(
      'bad_search',
      `the search is ${pattern.length} characters long; at most ${limits.maxPatternLength} are allowed`,
    );
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  } catch (error: unknown) {
    const reason =
      error instanceof Error
        ? error.message.replace(/^error parsing regexp: /, '').replace('`(?i)', '`')
        : String(error);
    throw new LogSearchError(
      'bad_search',
      `"${pattern}" is not a valid search: ${reason} (RE2 syntax: no lookarounds or backreferences)`,
    );
  }
  if (compiled.programSize() > limits.maxProgramSize) {
    throw new LogSearchError(
      'search_too_expensive',
      `"${pattern}" is too large a regular expression to search logs with (${compiled.programSize()} instructions, at most ${limits.maxProgramSize}); use smaller repeat counts`,
    );
  }
  return compiled;
}

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
  const compiled = compileLogSearch(pattern, limits);
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
