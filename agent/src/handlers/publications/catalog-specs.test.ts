import { describe, expect, it } from 'vitest';

import { isTask, parseSpec, splitImage } from './catalog-specs.js';

describe('catalog specs', () => {
  it('splits images at @sha256: or the last colon after the last slash', () => {
    expect(splitImage('ghcr.io/estuary/source-postgres:v1')).toEqual({
      name: 'ghcr.io/estuary/source-postgres',
      tag: ':v1',
    });
    expect(splitImage(`ghcr.io/x/y@sha256:${'b'.repeat(64)}`)).toEqual({
      name: 'ghcr.io/x/y',
      tag: `@sha256:${'b'.repeat(64)}`,
    });
    expect(splitImage('localhost:5000/x/y')).toEqual({ name: 'localhost:5000/x/y', tag: '' });
    expect(splitImage('localhost:5000/x/y:dev')).toEqual({ name: 'localhost:5000/x/y', tag: ':dev' });
  });

  it('extracts reads and writes per type', () => {
    const derivation = parseSpec('collection', {
      schema: {},
      key: ['/a'],
      projections: { p: { location: '/p', partition: true }, q: '/q' },
      derivation: { transform: { one: { source: { name: 'x/b' } }, two: { source: { name: 'x/a' } } } },
    });
    expect(derivation).toMatchObject({
      readsFrom: ['x/a', 'x/b'],
      writesTo: [],
      partitions: ['p'],
      isDerivation: true,
    });
    expect(isTask(derivation)).toBe(true);
    const test = parseSpec('test', [
      { ingest: { collection: 'x/a', documents: [] } },
      { verify: { collection: 'x/b', documents: [] } },
    ]);
    expect(test).toMatchObject({ readsFrom: ['x/b'], writesTo: ['x/a'] });
    expect(isTask(test)).toBe(false);
    const mat = parseSpec('materialization', {
      endpoint: { sqlite: { path: 'x.db' } },
      bindings: [{ source: 'x/a', resource: { table: 't' } }],
    });
    expect(mat).toMatchObject({ readsFrom: ['x/a'], image: null });
  });

  it('rejects invalid shapes with a message naming the problem', () => {
    expect(() => parseSpec('collection', { schema: {}, key: [] })).toThrow(
      'collection.key must not be empty',
    );
    expect(() => parseSpec('collection', { schema: {}, key: ['a'] })).toThrow(
      'collection.key "a" must be a JSON pointer',
    );
    expect(() => parseSpec('capture', { endpoint: { connector: { image: 'x' } }, bindings: [] })).toThrow(
      'capture.endpoint.connector.config is required',
    );
    expect(() => parseSpec('capture', { endpoint: {}, bindings: [] })).toThrow(
      'capture.endpoint must have exactly one of',
    );
    expect(() => parseSpec('test', [{ ingest: { collection: 'x' }, verify: {} }])).toThrow(
      'test step 0 must be exactly one of',
    );
    expect(() =>
      parseSpec('materialization', { endpoint: { sqlite: {} }, bindings: [{ resource: {} }] }),
    ).toThrow('materialization.bindings[0].source must be a non-empty string');
  });
});
