import { describe, expect, it } from 'vitest';

import { API_DEFAULTS, readApiSection } from './api-section.js';

describe('readApiSection', () => {
  it("takes the Supabase CLI's defaults for what is not set", () => {
    expect(readApiSection({})).toEqual(API_DEFAULTS);
    expect(readApiSection({ api: { port: 5431 } })).toEqual(API_DEFAULTS);
  });

  it('reads schemas, extra_search_path and max_rows', () => {
    expect(
      readApiSection({
        api: { schemas: ['public', 'personal'], extra_search_path: ['extensions'], max_rows: 50 },
      }),
    ).toEqual({ schemas: ['public', 'personal'], extraSearchPath: ['extensions'], maxRows: 50 });
    expect(readApiSection({ api: { max_rows: 7n } }).maxRows).toBe(7);
  });

  it('names the key that has the wrong shape', () => {
    expect(() => readApiSection({ api: { schemas: 'public' } })).toThrow('[api] schemas must be a list');
    expect(() => readApiSection({ api: { schemas: [] } })).toThrow('[api] schemas must name at least one');
    expect(() => readApiSection({ api: { extra_search_path: [1] } })).toThrow('[api] extra_search_path');
    expect(() => readApiSection({ api: { max_rows: 0 } })).toThrow('[api] max_rows must be a positive');
    expect(() => readApiSection({ api: { max_rows: '10' } })).toThrow('[api] max_rows');
  });
});
