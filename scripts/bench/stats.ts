/** One measured quantity: its samples and how to print them. */
export interface Measurement {
  readonly name: string;
  readonly unit: 'ms' | 'MB' | 'req/s' | 'jobs/s' | '%';
  readonly samples: readonly number[];
  /** A target to compare the median with, e.g. { max: 3000 } for "≤ 3 s". */
  readonly target?: { readonly max?: number; readonly min?: number };
  readonly note?: string;
}

/** The value at quantile q (0..1) of the samples, linearly interpolated. */
export function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** A line: name, median, spread (min–max and p10–p90), runs, and whether it meets its target. */
export function formatMeasurement(m: Measurement): string {
  const median = quantile(m.samples, 0.5);
  const min = Math.min(...m.samples);
  const max = Math.max(...m.samples);
  const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1));
  let verdict = '';
  if (m.target) {
    const ok =
      (m.target.max === undefined || median <= m.target.max) &&
      (m.target.min === undefined || median >= m.target.min);
    const bound = m.target.max !== undefined ? `≤ ${m.target.max}` : `≥ ${m.target.min ?? ''}`;
    verdict = `  target ${bound} ${m.unit}: ${ok ? 'met' : 'MISSED'}`;
  }
  return (
    `${m.name.padEnd(44)} median ${fmt(median).padStart(7)} ${m.unit.padEnd(6)}` +
    ` spread ${fmt(min)}–${fmt(max)} (p10–p90 ${fmt(quantile(m.samples, 0.1))}–${fmt(quantile(m.samples, 0.9))})` +
    ` n=${m.samples.length}${verdict}${m.note ? `  (${m.note})` : ''}`
  );
}
