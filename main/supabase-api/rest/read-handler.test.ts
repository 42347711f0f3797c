import { describe, expect, it } from 'vitest';

import { ApiError } from './api-error.js';
import { checkSingular } from './read-handler.js';
import type { StatementRow } from './rest-types.js';

const row = (pageTotal: string): StatementRow => ({ total: null, page_total: pageTotal, body: '[]' });

describe('checkSingular', () => {
  it("refuses anything but one row with PostgREST 12.2's PGRST116", () => {
    for (const n of ['0', '2']) {
      let caught: unknown;
      try {
        checkSingular(true, row(n));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ApiError);
      expect(caught).toMatchObject({
        status: 406,
        code: 'PGRST116',
        message: 'JSON object requested, multiple (or no) rows returned',
        details: `The result contains ${n} rows`,
      });
    }
  });

  it('lets one row through, and any count when no singular answer was asked for', () => {
    expect(() => checkSingular(true, row('1'))).not.toThrow();
    expect(() => checkSingular(false, row('3'))).not.toThrow();
  });
});
