import { ApiError } from '../api-error.js';
import { checkJsonDepth } from './json-depth.js';
import type { TableInfo } from '../schema-cache/schema-types.js';

/** A parsed write body: the raw JSON array text (so big numbers keep their precision) and its columns. */
export interface WriteBody {
  /** The body as a JSON array (an object body wrapped in [...]). */
  readonly arrayJson: string;
  /** The body as one JSON object (for PATCH). */
  readonly objectJson: string;
  readonly rows: number;
  readonly columns: readonly string[];
  /** The columns that at least one row has a key for (the others get DEFAULT with missing=default). */
  readonly present: ReadonlySet<string>;
}

function invalid(detail: string | null = null): ApiError {
  return new ApiError(400, 'PGRST102', 'Empty or invalid json', detail);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses a write body. With `columns=`, those are the columns; otherwise the keys of the (first) object,
 * and every object of an array must have the same keys (PGRST102). Columns are checked (PGRST204).
 */
export function parseWriteBody(
  text: string,
  table: TableInfo,
  columns: readonly string[] | undefined,
  allowArray: boolean,
): WriteBody {
  checkJsonDepth(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid();
  }
  const objects = Array.isArray(value) ? (value as unknown[]) : [value];
  if ((!allowArray && Array.isArray(value)) || !objects.every(isObject)) throw invalid();
  const records = objects;
  let cols = columns ? [...columns] : Object.keys(records[0] ?? {});
  if (!columns) {
    const key = [...cols].sort().join('\u0000');
    if (records.some((r) => Object.keys(r).sort().join('\u0000') !== key)) {
      throw new ApiError(400, 'PGRST102', 'All object keys must match');
    }
  }
  cols = [...new Set(cols)];
  for (const c of cols) {
    if (!table.columns.has(c)) {
      throw new ApiError(
        400,
        'PGRST204',
        `Could not find the '${c}' column of '${table.name}' in the schema cache`,
      );
    }
  }
  const present = new Set<string>();
  for (const r of records) for (const k of Object.keys(r)) present.add(k);
  const trimmed = text.trim();
  return {
    arrayJson: Array.isArray(value) ? trimmed : `[${trimmed}]`,
    objectJson: Array.isArray(value) ? JSON.stringify(records[0] ?? {}) : trimmed,
    rows: records.length,
    columns: cols,
    present,
  };
}
