import { describe, expect, it } from 'vitest';

import { closest, fuzzyMatches } from './fuzzy.js';

// The doctests of PostgREST's Error.hs (noRelBetweenHint, noRpcHint), which scores with Data.FuzzySet.
describe('closest', () => {
  it('suggests the names PostgREST suggests', () => {
    expect(closest(['directors', 'roles', 'actors'], 'role')).toBe('roles');
    expect(closest(['test', 'another'], 'testt')).toBe('test');
    expect(closest(['(name, param, val)', '(attr, id)'], '(nam, pqaram, vall)')).toBe('(name, param, val)');
    expect(closest(['(name, param, val)', '(attr, id)'], '(attrs, id)')).toBe('(attr, id)');
    expect(closest(['(name, param, val)', '(attr, id)'], '(id)')).toBe('(attr, id)');
  });

  it('suggests nothing without a close name', () => {
    expect(closest(['directors', 'roles', 'actors'], 'noclosealternative')).toBeUndefined();
    expect(closest(['test', 'another'], 'noclosealternative')).toBeUndefined();
    expect(fuzzyMatches(['roles'], 'roles')[0]?.score).toBe(1);
  });
});
