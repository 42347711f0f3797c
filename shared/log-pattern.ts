import { RE2JS } from 're2js';

/** Limits on a log search pattern, the same for the supervisor's search and the GUI's filter. */
export interface LogPatternLimits {
  readonly maxPatternLength: number;
  /** RE2 program size (instructions): matching cost per character grows with it. */
  readonly maxProgramSize: number;
  /** Only the start of a very long line is searched. */
  readonly maxLineChars: number;
}

export const LOG_PATTERN_LIMITS: LogPatternLimits = {
  maxPatternLength: 1000,
  maxProgramSize: 2000,
  maxLineChars: 64 * 1024,
};

/** A pattern logs will not be searched with: not valid, too big, or (for a search) too slow. */
export class LogSearchError extends Error {
  constructor(
    readonly code: 'bad_search' | 'search_too_expensive',
    message: string,
    /** For a pattern that is not valid: RE2's reason alone, without the pattern. */
    readonly reason: string | null = null,
  ) {
    super(message);
  }
}

/**
 * Compiles a case-insensitive log search with RE2 semantics (re2js, a pure-JS port of RE2): matching is linear in
 * the text, so no pattern — `(.+)+Z{99}$` included — can backtrack for minutes, in the supervisor or in a browser
 * tab. Lookarounds and backreferences, which need backtracking, are rejected with RE2's own explanation.
 */
export function compileLogPattern(pattern: string, limits: LogPatternLimits = LOG_PATTERN_LIMITS): RE2JS {
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
      `${reason} (RE2 syntax: no lookarounds or backreferences)`,
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
