// Templates and the add-spec rules, without a stack.
import { describe, expect, it } from 'vitest';

import { validateSpec } from '../../shared/catalog/spec-validation.js';
import { newSpecProblem, specTemplate } from '../src/lib/spec-templates.js';

describe('spec templates', () => {
  it('bind the collection the user picked, and match the catalog schema', () => {
    for (const type of ['capture', 'materialization', 'test'] as const) {
      const spec = specTemplate(type, 'aliceCo/new/thing', 'bobCo/shared/events');
      expect(JSON.stringify(spec)).toContain('"bobCo/shared/events"');
      expect(JSON.stringify(spec)).not.toContain('greetings"');
      expect(validateSpec(type, spec)).toEqual([]);
    }
    expect(specTemplate('materialization', 'aliceCo/m', 'aliceCo/x/Order-Lines')).toMatchObject({
      bindings: [{ source: 'aliceCo/x/Order-Lines', resource: { table: 'order_lines' } }],
    });
  });

  it('refuse names outside the admin prefixes, names Flow refuses, and collections that do not exist', () => {
    const admin = ['aliceCo/'];
    const collections = ['aliceCo/a', 'bobCo/shared/events'];
    expect(newSpecProblem('aliceCo/c', 'capture', admin, 'aliceCo/a', collections)).toBeNull();
    expect(newSpecProblem('bobCo/c', 'collection', admin, '', collections)).toBe(
      'You may only publish under aliceCo/: start the name with one of them.',
    );
    expect(newSpecProblem('aliceCo', 'collection', ['aliceCo'], '', collections)).toMatch(
      /at least two components/,
    );
    expect(newSpecProblem('aliceCo/m', 'materialization', admin, 'aliceCo/nope', collections)).toBe(
      'aliceCo/nope is not a collection of this draft or of the catalog you may read: pick one from the list.',
    );
    expect(newSpecProblem('aliceCo/t', 'test', admin, '', [])).toMatch(
      /^Choose the collection the test uses/,
    );
  });
});
