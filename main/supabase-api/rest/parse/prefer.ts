import { ApiError } from '../api-error.js';

/** The recognised values of the Prefer header (PostgREST's ApiRequest/Preferences.hs). */
export interface Preferences {
  readonly return?: 'minimal' | 'representation' | 'headers-only';
  readonly count?: 'exact' | 'planned' | 'estimated';
  readonly resolution?: 'merge-duplicates' | 'ignore-duplicates';
  readonly missing?: 'default' | 'null';
  readonly handling?: 'strict' | 'lenient';
  readonly tx?: 'commit' | 'rollback';
  /** A time zone the database knows (`timezone=`); set for the transaction. */
  readonly timezone?: string;
  /** `max-affected=N`; only enforced (and reported) with handling=strict. */
  readonly maxAffected?: number;
}

type Choice = Exclude<keyof Preferences, 'timezone' | 'maxAffected'>;

const CHOICES: Readonly<Record<Choice, readonly string[]>> = {
  return: ['representation', 'minimal', 'headers-only'],
  count: ['exact', 'planned', 'estimated'],
  resolution: ['merge-duplicates', 'ignore-duplicates'],
  missing: ['default', 'null'],
  handling: ['strict', 'lenient'],
  tx: ['commit', 'rollback'],
};

/** `params=single-object` is accepted (deprecated in PostgREST, never applied here). */
const ACCEPTED_ONLY = new Set(['params=single-object']);

/**
 * Parses all Prefer values (comma-separated, trimmed); the first value of each preference wins, as in
 * PostgREST. `timezone=` counts only when the database knows the zone. Unknown values are ignored, or
 * 400 PGRST122 with handling=strict.
 */
export function parsePrefer(header: string | undefined, timezones: ReadonlySet<string>): Preferences {
  const result: { -readonly [K in keyof Preferences]: Preferences[K] } = {};
  const invalid: string[] = [];
  if (header === undefined || header === '') return result;
  for (const raw of header.split(',')) {
    const value = raw.trim();
    if (value === '') continue;
    const eq = value.indexOf('=');
    const key = eq < 0 ? value : value.slice(0, eq);
    const v = eq < 0 ? '' : value.slice(eq + 1);
    if (key === 'max-affected') {
      // PostgREST accepts any max-affected= value and uses the first that reads as an integer.
      if (result.maxAffected === undefined && /^-?\d{1,18}$/.test(v)) result.maxAffected = Number(v);
    } else if (key === 'timezone' && timezones.has(v)) {
      result.timezone ??= v;
    } else if (Object.hasOwn(CHOICES, key) && CHOICES[key as Choice].includes(v)) {
      (result as Record<string, string>)[key] ??= v;
    } else if (!ACCEPTED_ONLY.has(value)) {
      invalid.push(value);
    }
  }
  if (result.handling === 'strict' && invalid.length > 0) {
    throw new ApiError(
      400,
      'PGRST122',
      'Invalid preferences given with handling=strict',
      `Invalid preferences: ${invalid.join(', ')}`,
    );
  }
  return result;
}

/** The kinds of request whose responses report different preferences (PostgREST's Response.hs). */
export type PreferenceKind = 'read' | 'create' | 'update' | 'delete' | 'call';

/** Which preferences each kind of response reports as applied, in PostgREST's order. */
const REPORTED: Readonly<Record<PreferenceKind, readonly (keyof Preferences)[]>> = {
  read: ['count', 'tx', 'handling', 'timezone'],
  create: ['resolution', 'missing', 'return', 'count', 'tx', 'handling', 'timezone'],
  update: ['missing', 'return', 'count', 'tx', 'handling', 'timezone', 'maxAffected'],
  delete: ['return', 'count', 'tx', 'handling', 'timezone', 'maxAffected'],
  call: ['count', 'tx', 'handling', 'timezone', 'maxAffected'],
};

/**
 * Whether a function call's result is counted (PostgREST's shouldCount): count=exact and count=estimated
 * count exactly; count=planned does not count a call at all (no EXPLAIN of a call), so its total is `*`.
 */
export function countsCall(prefs: Preferences): boolean {
  return prefs.count === 'exact' || prefs.count === 'estimated';
}

/** Whether max-affected is in force: only with handling=strict. */
export function maxAffected(prefs: Preferences): number | undefined {
  return prefs.handling === 'strict' ? prefs.maxAffected : undefined;
}

/**
 * The Preference-Applied header value for a response of `kind`: only the preferences that kind of request
 * honours (max-affected only with handling=strict). `resolution` is left out by the caller when an insert
 * has no key to resolve conflicts on. Undefined when there is none to report.
 */
export function preferenceApplied(
  prefs: Preferences,
  kind: PreferenceKind,
  omit: readonly (keyof Preferences)[] = [],
): string | undefined {
  const values: string[] = [];
  for (const key of REPORTED[kind]) {
    if (omit.includes(key)) continue;
    if (key === 'maxAffected') {
      const n = maxAffected(prefs);
      if (n !== undefined) values.push(`max-affected=${n}`);
    } else {
      const v = prefs[key];
      if (v !== undefined) values.push(`${key}=${v}`);
    }
  }
  return values.length > 0 ? values.join(', ') : undefined;
}
