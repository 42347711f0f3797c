import { describe, expect, expectTypeOf, it } from 'vitest';

import { CONTROL_ROUTES, type ControlRoute } from './control-api.js';

describe('control API contract', () => {
  it('lists every route once, as METHOD /v1/path', () => {
    expect(new Set(CONTROL_ROUTES).size).toBe(CONTROL_ROUTES.length);
    for (const route of CONTROL_ROUTES) expect(route).toMatch(/^(GET|POST|PUT|DELETE) \/v1\/[a-z/-]+$/);
  });

  it('lists exactly the routes of the typed contract', () => {
    // If a route is added to ControlRoutes but not to CONTROL_ROUTES (or the other way), this stops compiling.
    type Listed = (typeof CONTROL_ROUTES)[number];
    expectTypeOf<Listed>().toEqualTypeOf<ControlRoute>();
    const covered: Record<ControlRoute, true> = Object.fromEntries(
      CONTROL_ROUTES.map((r) => [r, true]),
    ) as Record<ControlRoute, true>;
    expect(Object.keys(covered).sort()).toEqual([...CONTROL_ROUTES].sort());
  });
});
