import { describe, expect, it } from 'vitest';

import { jsonDepth, MAX_JSON_DEPTH } from './json-depth.js';

describe('jsonDepth', () => {
  it('counts nesting of arrays and objects, not brackets inside strings', () => {
    expect(jsonDepth('1')).toBe(0);
    expect(jsonDepth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(jsonDepth('{"a":"[[[[{{{{\\"]]]"}')).toBe(1);
  });

  it('stops counting just past the limit, however deep the text goes', () => {
    const deep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
    expect(jsonDepth(deep)).toBe(MAX_JSON_DEPTH + 1);
  });
});
