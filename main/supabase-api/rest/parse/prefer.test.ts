import { describe, expect, it } from 'vitest';

import { ApiError } from '../api-error.js';
import { countsCall, parsePrefer, preferenceApplied } from './prefer.js';

const ZONES = new Set(['America/Los_Angeles', 'UTC']);

// Cases from PostgREST's ApiRequest/Preferences.hs doctests and its PreferencesSpec/MaxAffectedSpec.
describe('parsePrefer', () => {
  it('reads comma-separated values with any spacing, the first of each winning', () => {
    expect(
      parsePrefer(
        'count=exact,    tx=commit   ,return=representation , missing=default, handling=lenient, anything',
        ZONES,
      ),
    ).toEqual({
      count: 'exact',
      tx: 'commit',
      return: 'representation',
      missing: 'default',
      handling: 'lenient',
    });
    expect(parsePrefer('tx=commit, tx=rollback', ZONES).tx).toBe('commit');
    expect(parsePrefer('resolution=ignore-duplicates, resolution=merge-duplicates', ZONES).resolution).toBe(
      'ignore-duplicates',
    );
    expect(parsePrefer('max-affected=100, timezone=America/Los_Angeles', ZONES)).toEqual({
      maxAffected: 100,
      timezone: 'America/Los_Angeles',
    });
  });

  it('refuses unknown values only with handling=strict (PGRST122); max-affected= never counts as unknown', () => {
    const refusal = (header: string): unknown => {
      try {
        parsePrefer(header, ZONES);
      } catch (error: unknown) {
        return error instanceof ApiError ? error.body() : error;
      }
      return null;
    };
    expect(refusal('handling=strict, anything, timezone=Nowhere/Else, max-affected=x')).toEqual({
      code: 'PGRST122',
      details: 'Invalid preferences: anything, timezone=Nowhere/Else',
      hint: null,
      message: 'Invalid preferences given with handling=strict',
    });
    expect(refusal('handling=lenient, anything')).toBeNull();
    expect(refusal('handling=strict, params=single-object, max-affected=7')).toBeNull();
    // Names of Object.prototype are unknown preferences like any other.
    expect(refusal('handling=strict, constructor')).toMatchObject({
      details: 'Invalid preferences: constructor',
    });
    expect(parsePrefer('toString, __proto__=1', ZONES)).toEqual({});
  });
});

describe('preferenceApplied', () => {
  const all = parsePrefer(
    'return=representation, count=exact, resolution=merge-duplicates, missing=default, handling=strict, tx=rollback, timezone=UTC, max-affected=5',
    ZONES,
  );

  it("lists what each kind of request honours, in PostgREST's order", () => {
    expect(preferenceApplied(all, 'read')).toBe('count=exact, tx=rollback, handling=strict, timezone=UTC');
    expect(preferenceApplied(all, 'create')).toBe(
      'resolution=merge-duplicates, missing=default, return=representation, count=exact, tx=rollback, handling=strict, timezone=UTC',
    );
    expect(preferenceApplied(all, 'update')).toBe(
      'missing=default, return=representation, count=exact, tx=rollback, handling=strict, timezone=UTC, max-affected=5',
    );
    expect(preferenceApplied(all, 'delete')).toBe(
      'return=representation, count=exact, tx=rollback, handling=strict, timezone=UTC, max-affected=5',
    );
    expect(preferenceApplied(all, 'call')).toBe(
      'count=exact, tx=rollback, handling=strict, timezone=UTC, max-affected=5',
    );
    expect(preferenceApplied(all, 'create', ['resolution'])).not.toContain('resolution');
  });

  it('reports max-affected only with handling=strict, and nothing when nothing applies', () => {
    expect(preferenceApplied(parsePrefer('handling=lenient, max-affected=10', ZONES), 'delete')).toBe(
      'handling=lenient',
    );
    expect(preferenceApplied(parsePrefer('max-affected=10', ZONES), 'delete')).toBeUndefined();
    expect(preferenceApplied(parsePrefer('return=minimal', ZONES), 'read')).toBeUndefined();
  });
});

// PostgREST's Preferences.shouldCount, which invokeQuery uses for function calls.
describe('countsCall', () => {
  it('counts a call for count=exact and count=estimated, not for count=planned or none', () => {
    expect(countsCall(parsePrefer('count=exact', ZONES))).toBe(true);
    expect(countsCall(parsePrefer('count=estimated', ZONES))).toBe(true);
    expect(countsCall(parsePrefer('count=planned', ZONES))).toBe(false);
    expect(countsCall(parsePrefer(undefined, ZONES))).toBe(false);
  });
});
