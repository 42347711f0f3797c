import type { LogLine } from '../../../shared/stack-events.js';

/** A log line's severity, read from its content. */
export type LineLevel = 'error' | 'warn' | 'info';

// Postgres prints its severity before a colon: `… [123] LOG:  database system is ready`. That word decides, so a
// LOG line mentioning "error" stays informational.
const PG_SEVERITY =
  /(?:^|\s|\])(DEBUG\d?|LOG|INFO|NOTICE|WARNING|ERROR|FATAL|PANIC|DETAIL|HINT|STATEMENT|CONTEXT|LOCATION):\s/;
const PG_LEVEL: Readonly<Record<string, LineLevel>> = {
  WARNING: 'warn',
  ERROR: 'error',
  FATAL: 'error',
  PANIC: 'error',
};
// Other programs: a level word at the start (after a timestamp or `[name]`), or a JSON `level` field.
const LEADING_LEVEL = /^(?:\S+\s+)?(?:\[[^\]]*\]\s*)?(error|err|fatal|warn|warning)\b[:\]\s]/i;
const SUPERVISOR_PROBLEM = /\b(crashed|failed|unhealthy|gave up|exited with code [1-9])/i;
const SUPERVISOR_TROUBLE = /\b(restarting|retrying|not installed)\b/i;

/** The severity of a line: Postgres's own severity word first, then a JSON level, then a leading level word. */
export function lineLevel(line: Pick<LogLine, 'text' | 'stream'>): LineLevel {
  const text = line.text;
  const pg = PG_SEVERITY.exec(text);
  if (pg?.[1]) return PG_LEVEL[pg[1]] ?? 'info';
  if (text.startsWith('{')) {
    const level = /"level"\s*:\s*("?)(\w+)\1/.exec(text)?.[2]?.toLowerCase();
    if (level === 'error' || level === 'fatal' || Number(level) >= 50) return 'error';
    if (level === 'warn' || level === 'warning' || Number(level) === 40) return 'warn';
    if (level !== undefined) return 'info';
  }
  const leading = LEADING_LEVEL.exec(text)?.[1]?.toLowerCase();
  if (leading) return leading.startsWith('w') ? 'warn' : 'error';
  if (line.stream === 'supervisor') {
    if (SUPERVISOR_PROBLEM.test(text)) return 'error';
    if (SUPERVISOR_TROUBLE.test(text)) return 'warn';
  }
  // Agent and API lines say what failed in words after their `[name]` prefix.
  if (/\b(could not start|shutdown failed|failed:|error:)/i.test(text)) return 'error';
  return 'info';
}
