import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { GENERATED_PATH, renderValidatorsModule } from '../../../../scripts/generate-catalog-validators.js';

import { isTask, parseSpec, specDraftErrors, splitImage } from './catalog-specs.js';

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

  it('rejects invalid shapes with a message naming every problem (the shared catalog schema)', () => {
    expect(() => parseSpec('collection', { schema: {}, key: [] })).toThrow(
      'collection.key must not be empty',
    );
    expect(() => parseSpec('collection', { schema: {}, key: ['a'] })).toThrow(
      'collection.key[0] must be a JSON pointer such as "/id", not "a"',
    );
    expect(() => parseSpec('capture', { endpoint: { connector: { image: 'x' } }, bindings: [] })).toThrow(
      'capture.endpoint.connector.config is required',
    );
    expect(() => parseSpec('capture', { endpoint: {}, bindings: [] })).toThrow(
      'capture.endpoint must have exactly one of connector, ingest',
    );
    expect(() => parseSpec('test', [{ ingest: { collection: 'x' }, verify: {} }])).toThrow(
      'test[0] must have exactly one of ingest, verify',
    );
    expect(() =>
      parseSpec('materialization', { endpoint: { sqlite: {} }, bindings: [{ resource: {} }] }),
    ).toThrow(
      'materialization.endpoint.sqlite.path is required; materialization.bindings[0].source is required',
    );
  });

  it('turns schema problems into draft errors scoped to the place in the spec', () => {
    expect(specDraftErrors('aliceCo/a', 'collection', { schema: {}, key: ['/id'] })).toEqual([]);
    expect(specDraftErrors('aliceCo/a', 'collection', { schema: {}, extra: 1 })).toEqual([
      {
        scope: 'aliceCo/a#/key',
        detail: 'Invalid collection specification aliceCo/a: collection.key is required',
      },
      {
        scope: 'aliceCo/a#/extra',
        detail: 'Invalid collection specification aliceCo/a: collection has unknown field(s) "extra"',
      },
    ]);
    expect(specDraftErrors('aliceCo/t', 'test', {})).toEqual([
      { scope: 'aliceCo/t', detail: 'Invalid test specification aliceCo/t: test must be an array' },
    ]);
  });

  it('reads connector images of every endpoint kind, and none of local endpoints', () => {
    const binding = [{ resource: {}, target: 'x/a' }];
    const config = {};
    expect(
      parseSpec('capture', {
        endpoint: { connector: { image: 'ghcr.io/a/b:v2', config } },
        bindings: binding,
      }).image,
    ).toEqual({ name: 'ghcr.io/a/b', tag: ':v2' });
    expect(
      parseSpec('capture', { endpoint: { airbyteSource: { image: 'ghcr.io/a/c:v1', config } }, bindings: [] })
        .image,
    ).toEqual({ name: 'ghcr.io/a/c', tag: ':v1' });
    expect(parseSpec('capture', { endpoint: { ingest: {} }, bindings: binding })).toMatchObject({
      image: null,
      writesTo: ['x/a'],
    });
  });

  it('runs validators generated from the current schema (else: npx tsx scripts/generate-catalog-validators.ts)', async () => {
    const code = readFileSync(GENERATED_PATH, 'utf8');
    expect(code).toBe(await renderValidatorsModule());
    // The GUI runs the same code under a CSP without unsafe-eval, as an ES module.
    expect(code).not.toMatch(/\bnew Function\b|\beval\(|\brequire\(/);
  });
});
