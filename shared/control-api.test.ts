import { describe, expect, expectTypeOf, it } from 'vitest';

import { CONTROL_ROUTES, type ControlRoute } from './control-api.js';

describe('control API contract', () => {
  it('lists every route once, as METHOD /v1/path', () => {
    expect(new Set(CONTROL_ROUTES).size).toBe(CONTROL_ROUTES.length);
    for (const route of CONTROL_ROUTES) expect(route).toMatch(/^(GET|POST|PUT|DELETE) \/v1\/[a-z/-]+$/);
  });

  it('lists exactly the routes of the typed contract', () => {
    // A type assertion, checked by `npm run typecheck` (tsc compiles this file): a route added to
    // ControlRoutes but not to CONTROL_ROUTES, or the other way round, is a type error here.
    type Listed = (typeof CONTROL_ROUTES)[number];
    expectTypeOf<Listed>().toEqualTypeOf<ControlRoute>();
  });
});
