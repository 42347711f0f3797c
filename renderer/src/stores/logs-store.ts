import { create } from 'zustand';

import { compileLogPattern, LOG_PATTERN_LIMITS, LogSearchError } from '../../../shared/log-pattern.js';
import type { LogLine } from '../../../shared/stack-events.js';
import { type LineLevel, lineLevel } from '../lib/log-level.js';

/** Lines kept in the GUI; older ones drop off (the files on disk keep everything). */
export const MAX_LINES = 100_000;

/** Which lines to show by severity: everything, warnings and errors, errors, or the supervisor's own notes. */
export type LogLevel = 'all' | 'problems' | 'errors' | 'supervisor';

/** Logs as the GUI shows them: all lines received, and the view's filters. */
export interface LogsStore {
  lines: LogLine[];
  /** Why the recent lines could not be fetched (live lines still arrive). */
  historyError: string | null;
  service: string | null;
  pattern: string;
  level: LogLevel;
  follow: boolean;
  wrap: boolean;
  /** Adds lines from the live stream or from history, in sequence order, each once. */
  merge: (lines: readonly LogLine[]) => void;
  setHistoryError: (error: string | null) => void;
  setService: (service: string | null) => void;
  setPattern: (pattern: string) => void;
  setLevel: (level: LogLevel) => void;
  setFollow: (follow: boolean) => void;
  setWrap: (wrap: boolean) => void;
}

/**
 * Merges two runs of lines by sequence number, each line once: history fetched after live lines arrived fills in
 * before them instead of being dropped.
 */
export function mergeBySeq(current: readonly LogLine[], incoming: readonly LogLine[]): LogLine[] {
  if (incoming.length === 0) return current as LogLine[];
  const last = current.length > 0 ? current[current.length - 1]!.seq : -Infinity;
  const sortedIncoming = [...incoming].sort((a, b) => a.seq - b.seq);
  // The common case, live lines after the newest: append.
  if (sortedIncoming[0]!.seq > last) return dedupeSorted(current.concat(sortedIncoming));
  return dedupeSorted([...current, ...sortedIncoming].sort((a, b) => a.seq - b.seq));
}

function dedupeSorted(lines: LogLine[]): LogLine[] {
  const out: LogLine[] = [];
  for (const line of lines) if (out.length === 0 || out[out.length - 1]!.seq !== line.seq) out.push(line);
  return out.length > MAX_LINES ? out.slice(out.length - MAX_LINES) : out;
}

/** The log lines store: merged from the event stream and history, filtered in the view. */
export const useLogsStore = create<LogsStore>((set) => ({
  lines: [],
  historyError: null,
  service: null,
  pattern: '',
  level: 'all',
  follow: true,
  wrap: false,
  merge(incoming) {
    set((state) => {
      const lines = mergeBySeq(state.lines, incoming);
      return lines === state.lines ? state : { lines };
    });
  },
  setHistoryError: (historyError) => set({ historyError }),
  setService: (service) => set({ service }),
  setPattern: (pattern) => set({ pattern }),
  setLevel: (level) => set({ level }),
  setFollow: (follow) => set({ follow }),
  setWrap: (wrap) => set({ wrap }),
}));

/** A line test: true when the line's text matches. */
export interface LineMatcher {
  test: (text: string) => boolean;
}

/**
 * A filter pattern as a line test, or why it is not one. The pattern is RE2 syntax, matched in linear time
 * (re2js, as the supervisor's `GET /v1/logs?search=`): with JavaScript's backtracking RegExp a pattern such as
 * `(.+)+Z{99}$` froze the tab as it was typed.
 */
export function compilePattern(pattern: string): { regex: LineMatcher | null; problem: string | null } {
  if (!pattern) return { regex: null, problem: null };
  const { maxLineChars } = LOG_PATTERN_LIMITS;
  try {
    const compiled = compileLogPattern(pattern);
    return {
      regex: {
        // Only the start of a very long line, as the supervisor's search does.
        test: (text) => compiled.test(text.length > maxLineChars ? text.slice(0, maxLineChars) : text),
      },
      problem: null,
    };
  } catch (e) {
    if (e instanceof LogSearchError && e.code === 'search_too_expensive')
      return { regex: null, problem: e.message };
    // The reason alone: the filter box shows the pattern already.
    const why = e instanceof LogSearchError ? (e.reason ?? e.message) : String(e);
    return { regex: null, problem: `Not a valid regular expression: ${why}` };
  }
}

const LEVELS: Readonly<Record<LogLevel, (level: LineLevel, line: LogLine) => boolean>> = {
  all: () => true,
  problems: (level) => level !== 'info',
  errors: (level) => level === 'error',
  supervisor: (_level, line) => line.stream === 'supervisor',
};

/**
 * Applies the service, level and regular-expression filters. An invalid pattern filters nothing out (the view
 * says it is invalid) rather than matching as plain text.
 */
export function filterLines(
  lines: readonly LogLine[],
  service: string | null,
  pattern: string,
  level: LogLevel = 'all',
): readonly LogLine[] {
  const { regex } = compilePattern(pattern);
  const levelOk = LEVELS[level];
  return lines.filter(
    (l) =>
      (service === null || l.service === service) &&
      (level === 'all' || levelOk(lineLevel(l), l)) &&
      (regex === null || regex.test(l.text)),
  );
}
