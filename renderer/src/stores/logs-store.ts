import { create } from 'zustand';

import type { LogLine } from '../../../shared/stack-events.js';

/** Lines kept in the GUI; older ones drop off (the files on disk keep everything). */
export const MAX_LINES = 100_000;

/** Logs as the GUI shows them: all lines received, and the view's filters. */
/** Which lines to show by severity: everything, warnings and errors, or the supervisor's own notes. */
export type LogLevel = 'all' | 'problems' | 'supervisor';

export interface LogsStore {
  lines: LogLine[];
  service: string | null;
  pattern: string;
  level: LogLevel;
  follow: boolean;
  append: (lines: readonly LogLine[]) => void;
  setService: (service: string | null) => void;
  setPattern: (pattern: string) => void;
  setLevel: (level: LogLevel) => void;
  setFollow: (follow: boolean) => void;
}

/** The log lines store: appended from the event stream, filtered in the view. */
export const useLogsStore = create<LogsStore>((set) => ({
  lines: [],
  service: null,
  pattern: '',
  level: 'all',
  follow: true,
  append(incoming) {
    set((state) => {
      const seen = state.lines.length > 0 ? state.lines[state.lines.length - 1]!.seq : 0;
      const fresh = incoming.filter((l) => l.seq > seen);
      if (fresh.length === 0) return state;
      const lines = state.lines.concat(fresh);
      return { lines: lines.length > MAX_LINES ? lines.slice(lines.length - MAX_LINES) : lines };
    });
  },
  setService: (service) => set({ service }),
  setPattern: (pattern) => set({ pattern }),
  setLevel: (level) => set({ level }),
  setFollow: (follow) => set({ follow }),
}));

/** Words that mark a line as a warning or an error in the logs of Postgres, Node services and the agent. */
const PROBLEM = /\b(WARN(ING)?|ERROR|FATAL|PANIC|crash(ed)?|fail(ed|ure)?|unhealthy|exception)\b/i;

/** Applies the service, level and regular-expression filters; an invalid pattern matches as plain text. */
export function filterLines(
  lines: readonly LogLine[],
  service: string | null,
  pattern: string,
  level: LogLevel = 'all',
): readonly LogLine[] {
  let matcher: (text: string) => boolean = () => true;
  if (pattern) {
    try {
      const re = new RegExp(pattern, 'i');
      matcher = (text) => re.test(text);
    } catch {
      const needle = pattern.toLowerCase();
      matcher = (text) => text.toLowerCase().includes(needle);
    }
  }
  const levelOk = (l: LogLine): boolean =>
    level === 'all' || (level === 'supervisor' ? l.stream === 'supervisor' : PROBLEM.test(l.text));
  return lines.filter((l) => (service === null || l.service === service) && levelOk(l) && matcher(l.text));
}
