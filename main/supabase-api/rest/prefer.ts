import { ApiError } from './api-error.js';

/** The recognised values of the Prefer header. */
export interface Preferences {
  readonly return?: 'minimal' | 'representation' | 'headers-only';
  readonly count?: 'exact' | 'planned' | 'estimated';
  readonly resolution?: 'merge-duplicates' | 'ignore-duplicates';
  readonly missing?: 'default' | 'null';
  readonly handling?: 'strict' | 'lenient';
  readonly tx?: 'commit' | 'rollback';
  readonly maxAffected?: number;
  /** The values that were understood, for the Preference-Applied header. */
  readonly applied: readonly string[];
}

const CHOICES: Record<string, readonly string[]> = {
  return: ['minimal', 'representation', 'headers-only'],
  count: ['exact', 'planned', 'estimated'],
  resolution: ['merge-duplicates', 'ignore-duplicates'],
  missing: ['default', 'null'],
  handling: ['strict', 'lenient'],
  tx: ['commit', 'rollback'],
};

/** Parses all Prefer values (comma-separated); unknown ones are ignored unless handling=strict. */
export function parsePrefer(header: string | undefined): Preferences {
  const result: Record<string, unknown> = {};
  const applied: string[] = [];
  const invalid: string[] = [];
  for (const raw of (header ?? '').split(',')) {
    const value = raw.trim();
    if (value === '') continue;
    const eq = value.indexOf('=');
    const key = eq < 0 ? value : value.slice(0, eq).trim();
    const v = eq < 0 ? '' : value.slice(eq + 1).trim();
    if (key === 'max-affected' && /^\d+$/.test(v)) {
      result.maxAffected = Number(v);
      applied.push(`max-affected=${v}`);
    } else if (CHOICES[key]?.includes(v)) {
      result[key] = v;
      applied.push(`${key}=${v}`);
    } else if (key !== 'timezone') invalid.push(value);
  }
  if (result.handling === 'strict' && invalid.length > 0) {
    throw new ApiError(
      400,
      'PGRST122',
      'Invalid preferences given with handling=strict',
      `Invalid preferences: ${invalid.join(', ')}`,
    );
  }
  return { ...(result as Omit<Preferences, 'applied'>), applied };
}
