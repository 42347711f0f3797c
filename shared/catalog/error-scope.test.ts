import { describe, expect, it } from 'vitest';

import { parseErrorScope, specErrorScope } from './error-scope.js';

describe('draft error scopes', () => {
  it('round-trips a catalog name with a pointer into its spec', () => {
    expect(specErrorScope('aliceCo/a', '/key/0')).toBe('aliceCo/a#/key/0');
    expect(specErrorScope('aliceCo/a', '')).toBe('aliceCo/a');
    expect(parseErrorScope('aliceCo/a#/key/0')).toEqual({ catalogName: 'aliceCo/a', pointer: '/key/0' });
    expect(parseErrorScope('aliceCo/a')).toEqual({ catalogName: 'aliceCo/a', pointer: '' });
  });

  it('finds the spec in a build resource URL (flowctl-go build errors)', () => {
    expect(parseErrorScope('file:///flow.json#/collections/aliceCo~1a~1b/schema/type')).toEqual({
      catalogName: 'aliceCo/a/b',
      pointer: '/schema/type',
    });
    expect(parseErrorScope('file:///flow.json#/captures/aliceCo~1c')).toEqual({
      catalogName: 'aliceCo/c',
      pointer: '',
    });
  });

  it('names no spec for draft- or publication-wide errors', () => {
    expect(parseErrorScope('flow://draft')).toBeNull();
    expect(parseErrorScope('flow://publication')).toBeNull();
    expect(parseErrorScope('file:///flow.json#/storageMappings/aliceCo~1')).toBeNull();
  });
});
