import { describe, expect, it } from 'vitest';

import { ApiError } from './api-error.js';
import { contentType, explainPrefix, negotiate } from './media.js';

describe('negotiate', () => {
  it('answers JSON by default and for the JSON types, an object, or CSV', () => {
    expect(negotiate(undefined, false)).toEqual({ kind: 'json' });
    expect(negotiate('application/json, text/plain', false)).toEqual({ kind: 'json' });
    expect(negotiate('application/vnd.pgrst.object+json', false)).toEqual({ kind: 'object' });
    expect(negotiate('text/csv', false)).toEqual({ kind: 'csv' });
  });

  it('answers plans only when enabled, with their options and target type (as supabase-js sends them)', () => {
    const accept =
      'application/vnd.pgrst.plan+json; for="application/vnd.pgrst.object+json"; options=analyze|verbose;';
    expect(() => negotiate(accept, false)).toThrow(ApiError);
    const plan = negotiate(accept, true);
    expect(plan).toEqual({ kind: 'plan', format: 'json', for: 'object', options: ['analyze', 'verbose'] });
    if (plan.kind !== 'plan') throw new Error('expected a plan');
    expect(explainPrefix(plan)).toBe('EXPLAIN (ANALYZE, VERBOSE, FORMAT JSON) ');
    expect(contentType(plan)).toBe(
      'application/vnd.pgrst.plan+json; for="application/vnd.pgrst.object+json"; options=analyze|verbose; charset=utf-8',
    );
    expect(negotiate('application/vnd.pgrst.plan; for="application/json"; options=;', true)).toEqual({
      kind: 'plan',
      format: 'text',
      for: 'json',
      options: [],
    });
    // An option outside EXPLAIN's list never reaches SQL.
    expect(() => negotiate('application/vnd.pgrst.plan; options=analyze);drop', true)).toThrow(ApiError);
  });

  it('refuses what it cannot make with 406 PGRST107', () => {
    try {
      negotiate('text/xml', false);
      throw new Error('expected a refusal');
    } catch (error: unknown) {
      expect((error as ApiError).body()).toEqual({
        code: 'PGRST107',
        details: null,
        hint: null,
        message: 'None of these media types are available: text/xml',
      });
    }
  });
});
