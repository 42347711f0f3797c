import type { Localized } from '../../../../shared/control-plane-rows.js';

/** A connector field in the reader's language: en-US (every connector has it), else any. */
export function localized(value: Localized | null | undefined): string | null {
  if (!value) return null;
  return value['en-US'] ?? Object.values(value)[0] ?? null;
}

/** Who did something: their name with their e-mail, or whichever is known. */
export function userLabel(fullName: string | null, email: string | null, id?: string | null): string {
  if (fullName && email) return `${fullName} <${email}>`;
  return fullName ?? email ?? id ?? 'unknown user';
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A local date and time to the second, sortable and unambiguous: `2024-05-01 14:03:09`. */
export function formatTimestamp(when: Date | string): string {
  const d = typeof when === 'string' ? new Date(when) : when;
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** How long ago a time was, in its largest whole unit ("3 minutes ago", "yesterday"). */
export function formatAgo(when: Date | string, now: number): string {
  const d = typeof when === 'string' ? new Date(when) : when;
  const seconds = Math.round((d.getTime() - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second')
      return RELATIVE.format(Math.trunc(seconds / size), unit);
  }
  return RELATIVE.format(0, 'second');
}

/** "1–50 of 10,000" (an en dash; thousands separated), or "0 of 0". */
export function formatRange(from: number, to: number, total: number): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  return total === 0 || to < from ? `0 of ${n(total)}` : `${n(from)}–${n(to)} of ${n(total)}`;
}
