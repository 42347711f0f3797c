import { create } from 'zustand';

import type { LogLine } from '../../../shared/stack-events.js';

/** Lines kept in the GUI; older ones drop off (the files on disk keep everything). */
export const MAX_LINES = 100_000;

/** Logs as the GUI shows them: all lines received, and the view's filters. */
export interface LogsStore {
  lines: LogLine[];
  service: string | null;
  pattern: string;
  follow: boolean;
  append: (lines: readonly LogLine[]) => void;
  setService: (service: string | null) => void;
  setPattern: (pattern: string) => void;
  setFollow: (follow: boolean) => void;
}

/** The log lines store: appended from the event stream, filtered in the view. */
export const useLogsStore = create<LogsStore>((set) => ({
  lines: [],
  service: null,
  pattern: '',
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
  setFollow: (follow) => set({ follow }),
}));

/** Applies the service and regular-expression filters; an invalid pattern matches as plain text. */
export function filterLines(
  lines: readonly LogLine[],
  service: string | null,
  pattern: string,
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
  return lines.filter((l) => (service === null || l.service === service) && matcher(l.text));
}
