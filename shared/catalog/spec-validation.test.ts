import { describe, expect, it } from 'vitest';

import tenantTemplate from '../../agent/templates/tenant-template.json' with { type: 'json' };
import type { CatalogSpecType } from '../control-plane-rows.js';
import { describeLocation, validateSpec } from './spec-validation.js';

const messages = (type: CatalogSpecType, spec: unknown): string[] =>
  validateSpec(type, spec).map((i) => i.message);

const connector = { image: 'ghcr.io/estuary/source-hello-world:v1', config: { greetings: 10 } };

describe('catalog spec validation (the shared JSON Schema)', () => {
  it('accepts valid specs of every type', () => {
    const valid: [CatalogSpecType, unknown][] = [
      ['collection', { schema: { type: 'object' }, key: ['/id'] }],
      ['collection', { schema: 'schemas/orders.json', key: ['/a~1b', '/c'], projections: { c: '/c' } }],
      [
        'collection',
        {
          schema: true,
          key: ['/id'],
          projections: { p: { location: '/p', partition: true } },
          journals: { fragments: { compressionCodec: 'GZIP', flushInterval: '1h', length: 1000 } },
          derivation: {
            register: { schema: { type: 'integer' }, initial: 0 },
            typescript: { module: 'export class Derivation {}' },
            shards: { hotStandbys: 1, maxTxnDuration: '1s' },
            transform: {
              fromOrders: {
                source: { name: 'acmeCo/orders', partitions: { include: { region: ['eu'] } } },
                shuffle: { key: ['/customer'] },
                readDelay: '5m',
                update: { lambda: 'typescript' },
                publish: { lambda: { remote: 'http://localhost:8080/publish' } },
              },
            },
          },
        },
      ],
      ['capture', { endpoint: { connector }, bindings: [{ resource: { stream: 'a' }, target: 'acmeCo/a' }] }],
      ['capture', { endpoint: { ingest: {} }, bindings: [], interval: '30s', shards: { disable: true } }],
      [
        'materialization',
        {
          endpoint: {
            connector: { image: 'ghcr.io/estuary/materialize-postgres:v1', config: 'config.yaml' },
          },
          bindings: [
            {
              source: 'acmeCo/a',
              resource: { table: 'a' },
              fields: { recommended: true, include: { x: {} }, exclude: ['y'] },
              partitions: { exclude: { region: ['us'] } },
            },
          ],
        },
      ],
      ['materialization', { endpoint: { sqlite: { path: 'x.db' } }, bindings: [] }],
      [
        'test',
        [
          { ingest: { collection: 'acmeCo/a', documents: [{ id: 1 }], description: 'one order' } },
          { verify: { collection: 'acmeCo/b', documents: 'expected.json', partitions: { include: {} } } },
        ],
      ],
    ];
    for (const [type, spec] of valid) expect(messages(type, spec), JSON.stringify(spec)).toEqual([]);
  });

  it('accepts every spec of the bundled tenant template', () => {
    const template = tenantTemplate as Record<string, Record<string, unknown>>;
    const sections: [string, CatalogSpecType][] = [
      ['collections', 'collection'],
      ['captures', 'capture'],
      ['materializations', 'materialization'],
      ['tests', 'test'],
    ];
    let count = 0;
    for (const [section, type] of sections) {
      for (const [name, spec] of Object.entries(template[section] ?? {})) {
        expect(messages(type, spec), name).toEqual([]);
        count++;
      }
    }
    expect(count).toBe(5);
  });

  it('reports invalid collections with a pointer and a message per problem', () => {
    expect(validateSpec('collection', { schema: {} })).toEqual([
      { pointer: '/key', message: 'collection.key is required' },
    ]);
    expect(validateSpec('collection', { schema: {}, key: [], extra: 1, more: 2 })).toEqual([
      { pointer: '/key', message: 'collection.key must not be empty' },
      { pointer: '/extra', message: 'collection has unknown field(s) "extra", "more"' },
    ]);
    expect(validateSpec('collection', { schema: 3, key: ['id'] })).toEqual([
      {
        pointer: '/schema',
        message: 'collection.schema must be a JSON schema (an object or a boolean) or the URL of one',
      },
      { pointer: '/key/0', message: 'collection.key[0] must be a JSON pointer such as "/id", not "id"' },
    ]);
    expect(
      messages('collection', {
        schema: {},
        key: ['/id'],
        projections: { 'my field': { location: '/x', partition: 'yes' } },
        derivation: { transform: { t: { source: { name: 'a//b' }, publish: { lambda: 'python' } } } },
      }),
    ).toEqual([
      'collection.projections["my field"].partition must be a boolean',
      'collection.derivation.transform.t.source.name must be a catalog name (parts of letters, digits, "-", "_" and "." separated by "/"), not "a//b"',
      'collection.derivation.transform.t.publish.lambda must be "typescript" or {"remote": "<url>"}, not "python"',
    ]);
    expect(messages('collection', [])).toEqual(['collection must be an object']);
  });

  it('reports invalid captures: endpoint kinds, bindings, interval', () => {
    expect(messages('capture', { endpoint: {}, bindings: [] })).toEqual([
      'capture.endpoint must have exactly one of connector, ingest',
    ]);
    // Inside an endpoint of two kinds, nothing else is reported: which kind is meant comes first.
    expect(messages('capture', { endpoint: { connector: { image: 'x' }, ingest: 1 }, bindings: [] })).toEqual(
      ['capture.endpoint must have exactly one of connector, ingest'],
    );
    expect(validateSpec('capture', { endpoint: { connector: { image: 'x y' } }, interval: 'soon' })).toEqual([
      { pointer: '/bindings', message: 'capture.bindings is required' },
      { pointer: '/endpoint/connector/config', message: 'capture.endpoint.connector.config is required' },
      {
        pointer: '/endpoint/connector/image',
        message:
          'capture.endpoint.connector.image must be a container image such as "ghcr.io/estuary/source-postgres:v1", not "x y"',
      },
      {
        pointer: '/interval',
        message: 'capture.interval must be a duration such as "30s", "5m" or "1h30m", not "soon"',
      },
    ]);
    expect(
      messages('capture', { endpoint: { connector }, bindings: [{ target: 'acmeCo/a', resource: 'a' }] }),
    ).toEqual(['capture.bindings[0].resource must be an object']);
  });

  it('reports invalid materializations', () => {
    expect(
      messages('materialization', {
        endpoint: { sqlite: {} },
        bindings: [{ resource: {}, fields: { include: [] } }],
        shards: { logLevel: 'loud' },
      }),
    ).toEqual([
      'materialization.endpoint.sqlite.path is required',
      'materialization.bindings[0].source is required',
      'materialization.bindings[0].fields.recommended is required',
      'materialization.bindings[0].fields.include must be an object',
      'materialization.shards.logLevel must be one of "error", "warn", "info", "debug", "trace"',
    ]);
  });

  it('reports invalid tests: empty, steps of two kinds, missing documents', () => {
    expect(messages('test', [])).toEqual(['test must not be empty']);
    expect(messages('test', { ingest: {} })).toEqual(['test must be an array']);
    expect(
      validateSpec('test', [
        { ingest: { collection: 'a', documents: [] }, verify: {} },
        { verify: { collection: 'b' } },
      ]),
    ).toEqual([
      { pointer: '/0', message: 'test[0] must have exactly one of ingest, verify' },
      { pointer: '/1/verify/documents', message: 'test[1].verify.documents is required' },
    ]);
  });

  it('describes locations in words', () => {
    expect(describeLocation('capture', '')).toBe('capture');
    expect(describeLocation('capture', '/bindings/0/target')).toBe('capture.bindings[0].target');
    expect(describeLocation('collection', '/projections/a~1b')).toBe('collection.projections["a/b"]');
  });
});
