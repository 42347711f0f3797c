// The catalog checks against Flow's rules (crates/validation, crates/doc inference), without Postgres.
import { describe, expect, it } from 'vitest';

import tenantTemplate from '../../agent/templates/tenant-template.json' with { type: 'json' };

import {
  type Capability,
  type CatalogContext,
  checkCatalog,
  compareAtKey,
  type DraftEntry,
  jsonCompare,
  type LiveEntry,
  osaDistance,
  referencedNames,
} from './catalog-checks.js';
import { catalogNameProblems, MAX_NAME_LENGTH } from './catalog-names.js';
import { schemaProblems } from './schema-compile.js';
import { inferShape, locate, T } from './schema-shape.js';

const SCHEMA = {
  type: 'object',
  properties: { id: { type: 'integer' }, name: { type: 'string' }, kind: { type: 'string' } },
  required: ['id', 'kind'],
};
const collection = (extra: object = {}): object => ({ schema: SCHEMA, key: ['/id'], ...extra });
const capture = (...targets: string[]): object => ({
  endpoint: { connector: { image: 'ghcr.io/estuary/source-hello-world:v1', config: {} } },
  bindings: targets.map((t) => ({ resource: { stream: t }, target: t })),
});
const materialization = (source: string, extra: object = {}): object => ({
  endpoint: { connector: { image: 'ghcr.io/estuary/materialize-postgres:v1', config: {} } },
  bindings: [{ source, resource: { table: 't' }, ...extra }],
});

function ctx(live: LiveEntry[] = [], over: Partial<CatalogContext> = {}): CatalogContext {
  const caps: [string, Capability][] = [
    ['aliceCo/', 'admin'],
    ['shared/', 'read'],
  ];
  return {
    live: new Map(live.map((l) => [l.name, l])),
    capability: (name) => caps.find(([p]) => name.startsWith(p))?.[1] ?? null,
    ...over,
  };
}
const messages = (draft: DraftEntry[], c: CatalogContext = ctx()): string[] =>
  checkCatalog(draft, c).map((i) => `${i.catalogName}#${i.pointer}: ${i.message}`);

describe('catalog names', () => {
  it("follows Flow's grammar and the catalog_name domain's two components", () => {
    expect(catalogNameProblems('acmeCo/anvils', 'collection')).toEqual([]);
    expect(catalogNameProblems('Приключения/੫൬/Foo', 'capture')).toEqual([]);
    expect(catalogNameProblems('acmeCo', 'collection')).toEqual([
      'acmeCo cannot be used as name for collection: a catalog name has at least two components, a prefix and a name (such as acmeCo/acmeCo)',
    ]);
    expect(catalogNameProblems('acmeCo/some anvils', 'collection')).toEqual([
      'acmeCo/some anvils cannot be used as name for collection (" anvils" is invalid)',
    ]);
    expect(catalogNameProblems('acmeCo//anvils', 'test')[0]).toMatch(/cannot be used as name for test/);
    expect(catalogNameProblems('acmeCo/anvils/', 'test')[0]).toMatch(/"\/" is invalid/);
    expect(catalogNameProblems('', 'capture')).toEqual(['capture name cannot be empty']);
  });

  it('limits the length so that journals and shards fit Gazette (512)', () => {
    const long = (n: number): string => `acmeCo/${'a'.repeat(n - 7)}`;
    expect(catalogNameProblems(long(MAX_NAME_LENGTH.collection), 'collection')).toEqual([]);
    expect(catalogNameProblems(long(MAX_NAME_LENGTH.collection + 1), 'collection')).toEqual([
      `collection name is ${MAX_NAME_LENGTH.collection + 1} bytes long (UTF-8), but may be at most ${MAX_NAME_LENGTH.collection}: Flow's journal and shard names made from it must fit Gazette's limit of 512 bytes`,
    ]);
    // Gazette measures names in bytes (Go's len): two-byte letters reach the limit in half as many characters.
    const cyrillic = `acmeCo/${'я'.repeat(248)}`; // 7 + 496 = 503 bytes, 255 characters
    expect(catalogNameProblems(cyrillic, 'collection')).toEqual([]);
    expect(catalogNameProblems(`${cyrillic}я`, 'collection')).toEqual([
      `collection name is 505 bytes long (UTF-8), but may be at most 503: Flow's journal and shard names made from it must fit Gazette's limit of 512 bytes`,
    ]);
    // A capture's recovery log, recovery/capture/<name>/00000000-00000000, is 512 at most.
    expect(`recovery/capture/${long(MAX_NAME_LENGTH.capture)}/00000000-00000000`).toHaveLength(512);
    expect(catalogNameProblems(long(MAX_NAME_LENGTH.capture + 1), 'capture')).toHaveLength(1);
    expect(catalogNameProblems(long(470), 'collection', true)).toHaveLength(0);
    expect(catalogNameProblems(long(475), 'collection', true)).toHaveLength(1);
  });
});

describe('schema shapes (Flow inference)', () => {
  it('locates required, optional, unknown and impossible locations', () => {
    const shape = inferShape({
      type: 'object',
      properties: {
        a: { type: 'object', properties: { b: { type: 'string' } }, required: ['b'] },
        c: { type: ['string', 'null'] },
      },
      required: ['a'],
      additionalProperties: false,
    });
    expect(locate(shape, '/a/b')).toMatchObject({ exists: 'must', shape: { types: T.STRING } });
    expect(locate(shape, '/c').exists).toBe('may');
    expect(locate(shape, '/nope').exists).toBe('cannot');
    expect(locate(inferShape({ type: 'object' }), '/nope').exists).toBe('implicit');
  });

  it('follows $ref, allOf, anyOf and oneOf', () => {
    const shape = inferShape({
      $defs: { id: { type: 'integer' } },
      type: 'object',
      properties: { id: { $ref: '#/$defs/id' } },
      required: ['id'],
      allOf: [{ properties: { x: { type: 'string' } }, required: ['x'] }],
      anyOf: [
        { properties: { y: { type: 'string' } }, required: ['y'] },
        { properties: { y: { type: 'integer' } }, required: ['y'] },
      ],
    });
    expect(locate(shape, '/id')).toMatchObject({ exists: 'must', shape: { types: T.INTEGER } });
    expect(locate(shape, '/x').exists).toBe('must');
    expect(locate(shape, '/y')).toMatchObject({ exists: 'must', shape: { types: T.STRING | T.INTEGER } });
  });
});

describe('schemas compile', () => {
  it('accepts 2020-12, 2019-09 and draft-07 schemas', () => {
    expect(
      schemaProblems({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $defs: { a: { type: 'string', 'x-label': 'A' } },
        type: 'object',
        properties: { a: { $ref: '#/$defs/a', reduce: { strategy: 'lastWriteWins' }, secret: true } },
        dependentRequired: { a: ['b'] },
        unevaluatedProperties: false,
      }),
    ).toEqual([]);
    expect(
      schemaProblems({ type: 'string', pattern: '^[a-z]+\\-\\d{2}$', contentEncoding: 'base64' }),
    ).toEqual([]);
    expect(schemaProblems({ type: 'array', items: [{ type: 'string' }] })).toEqual([]); // tuple items: 2019-09
    expect(
      schemaProblems({
        $schema: 'http://json-schema.org/draft-07/schema#',
        definitions: { a: { type: 'string' } },
      }),
    ).toEqual([]);
    expect(schemaProblems(true)).toEqual([]);
  });

  it('refuses invalid keywords and references that resolve to nothing', () => {
    expect(schemaProblems({ type: 'strnig' })).toEqual([
      {
        pointer: '/type',
        message:
          'is not a valid JSON schema (draft 2020-12): /type must be one of "array", "boolean", "integer", "null", "number", "object", "string"',
      },
    ]);
    expect(
      schemaProblems({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        items: [{ type: 'string' }],
      }),
    ).toHaveLength(1);
    expect(schemaProblems({ properties: { a: { $ref: '#/$defs/nope' } } })).toEqual([
      {
        pointer: '/properties/a/$ref',
        message: '$ref "#/$defs/nope" does not name a schema in this document',
      },
    ]);
    expect(schemaProblems({ $ref: 'https://example.com/schema.json' })).toEqual([]);
    // Relative to an absolute $id: another document Flow fetches; without one: a file that is not there.
    expect(
      schemaProblems({ $id: 'https://example.com/root.json', properties: { a: { $ref: 'other.json' } } }),
    ).toEqual([]);
    expect(schemaProblems({ properties: { a: { $ref: 'other.json' } } })).toHaveLength(1);
    expect(schemaProblems(['no'])).toHaveLength(1);
  });
});

describe("Flow's schema builder (crates/json build.rs)", () => {
  it('refuses keywords it does not know, at their place, including 2020-12 ones it never learned', () => {
    expect(schemaProblems({ type: 'object', properties: { id: { tyep: 'string' } } })).toEqual([
      {
        pointer: '/properties/id/tyep',
        message: 'is refused by Flow: unexpected keyword "tyep" (at /properties/id)',
      },
    ]);
    // Valid 2020-12 and draft-07 by their meta-schemas, but not keywords Flow's builder reads.
    expect(schemaProblems({ type: 'array', prefixItems: [{ type: 'string' }] })).toEqual([
      {
        pointer: '/prefixItems',
        message: 'is refused by Flow: unexpected keyword "prefixItems" (at the root)',
      },
    ]);
    expect(
      schemaProblems({
        $schema: 'http://json-schema.org/draft-07/schema#',
        definitions: { a: { dependencies: { x: ['y'] } } },
      }).map((p) => p.pointer),
    ).toEqual(['/definitions/a/dependencies']);
    expect(schemaProblems({ anyOf: [{ type: 'string' }, { nullable: true }] }).map((p) => p.pointer)).toEqual(
      ['/anyOf/1/nullable'],
    );
    // Data is not schema: names under `properties` and values under `const`/`default` are never keywords.
    expect(
      schemaProblems({ properties: { tyep: { const: { tyep: 1 } } }, default: { nullable: 1 } }),
    ).toEqual([]);
  });

  it('refuses patterns that do not parse and a contentEncoding other than base64', () => {
    expect(schemaProblems({ type: 'string', pattern: '([a-z]' }).map((p) => p.pointer)).toEqual(['/pattern']);
    expect(schemaProblems({ patternProperties: { '(': { type: 'string' } } }).map((p) => p.pointer)).toEqual([
      '/patternProperties/(',
    ]);
    expect(schemaProblems({ type: 'string', contentEncoding: 'base32' })).toEqual([
      {
        pointer: '/contentEncoding',
        message: "is refused by Flow: invalid contentEncoding (expected 'base64')",
      },
    ]);
  });

  it('reports them in a publication at the schema, as the agent and the editor show them', () => {
    expect(
      messages([
        {
          name: 'aliceCo/typo',
          type: 'collection',
          spec: {
            schema: { ...SCHEMA, properties: { ...SCHEMA.properties, name: { tyep: 'string' } } },
            key: ['/id'],
          },
        },
      ]),
    ).toEqual([
      'aliceCo/typo#/schema/properties/name/tyep: the schema of aliceCo/typo is refused by Flow: unexpected keyword "tyep" (at /properties/name)',
    ]);
  });

  it('passes the bundled tenant template, every spec of it, as the agent publishes it for a new tenant', () => {
    const sections = [
      ['collections', 'collection'],
      ['captures', 'capture'],
      ['materializations', 'materialization'],
      ['tests', 'test'],
    ] as const;
    const text = JSON.stringify(tenantTemplate).replaceAll('TENANT', 'acmeCo');
    const template = JSON.parse(text) as Record<string, Record<string, unknown> | undefined>;
    const draft: DraftEntry[] = sections.flatMap(([section, type]) =>
      Object.entries(template[section] ?? {}).map(([name, spec]) => ({ name, type, spec })),
    );
    expect(draft).toHaveLength(5);
    expect(checkCatalog(draft, ctx([], { capability: () => 'admin' }))).toEqual([]);
  });
});

describe('collection keys and projections', () => {
  it('requires key locations to be required, key-able and unreduced', () => {
    const draft: DraftEntry[] = [
      {
        name: 'aliceCo/c',
        type: 'collection',
        spec: {
          schema: {
            type: 'object',
            reduce: { strategy: 'merge' },
            properties: {
              id: { type: 'integer' },
              opt: { type: 'string' },
              num: { type: 'number' },
              obj: { type: 'object' },
              nul: { type: ['string', 'null'] },
              sum: { type: 'integer', reduce: { strategy: 'sum' } },
            },
            required: ['id', 'num', 'obj', 'nul', 'sum'],
          },
          key: ['/id', '/nope', '/opt', '/num', '/obj', '/nul', '/sum'],
        },
      },
    ];
    const s = 'aliceCo/c#/schema';
    expect(messages(draft)).toEqual([
      `aliceCo/c#/key/1: location /nope is unknown in schema ${s} (https://go.estuary.dev/rdCMNB)`,
      `aliceCo/c#/key/2: keyed location /opt must be required to exist by schema ${s} (https://go.estuary.dev/KUYbal)`,
      `aliceCo/c#/key/3: location /num accepts "number" in schema ${s}, but "fractional" is disallowed in locations used as keys (https://go.estuary.dev/CigSvN)`,
      `aliceCo/c#/key/4: location /obj accepts "object" in schema ${s}, but "object" is disallowed in locations used as keys (https://go.estuary.dev/CigSvN)`,
      `aliceCo/c#/key/5: location /nul accepts "null", "string" in schema ${s}, but "null" is disallowed in locations used as keys (https://go.estuary.dev/CigSvN)`,
      `aliceCo/c#/key/6: keyed location /sum has a disallowed sum reduction strategy (https://go.estuary.dev/V5RRHc)`,
    ]);
  });

  it('refuses a key that can never exist and a schema that is not an object', () => {
    expect(
      messages([
        {
          name: 'aliceCo/c',
          type: 'collection',
          spec: {
            schema: { type: 'object', properties: { id: { type: 'string' } }, additionalProperties: false },
            key: ['/nope'],
          },
        },
        { name: 'aliceCo/d', type: 'collection', spec: { schema: { type: 'string' }, key: ['/id'] } },
        {
          name: 'aliceCo/e',
          type: 'collection',
          spec: { schema: { type: 'object', properties: { id: { type: 'integr' } } }, key: ['/id'] },
        },
      ]),
    ).toEqual([
      'aliceCo/c#/key/0: location /nope can never exist within schema aliceCo/c#/schema (https://go.estuary.dev/L3m1y9)',
      'aliceCo/d#/schema: collection aliceCo/d schema must be an object',
      'aliceCo/e#/schema/properties/id/type: the schema of aliceCo/e is not a valid JSON schema (draft 2020-12): /properties/id/type must be one of "array", "boolean", "integer", "null", "number", "object", "string"',
    ]);
  });

  it('checks partitions like keys, projection locations, canonical fields and partition names', () => {
    expect(
      messages([
        {
          name: 'aliceCo/c',
          type: 'collection',
          spec: collection({
            projections: {
              kind: { location: '/kind', partition: true },
              'bad name': { location: '/kind', partition: true },
              opt: { location: '/name', partition: true },
              gone: '/missing',
              id: '/name',
            },
          }),
        },
      ]),
    ).toEqual([
      'aliceCo/c#/projections/bad name: bad name cannot be used as name for partition (" " is invalid)',
      'aliceCo/c#/projections/opt: keyed location /name must be required to exist by schema aliceCo/c#/schema (https://go.estuary.dev/KUYbal)',
      'aliceCo/c#/projections/gone: location /missing is unknown in schema aliceCo/c#/schema (https://go.estuary.dev/rdCMNB)',
      'aliceCo/c#/projections/id: projection id is the canonical field name of location /id, and cannot re-map it to /name',
    ]);
  });

  it('checks reductions (a child reduction needs a reducing parent)', () => {
    expect(
      messages([
        {
          name: 'aliceCo/c',
          type: 'collection',
          spec: {
            schema: {
              type: 'object',
              properties: { id: { type: 'integer' }, n: { type: 'string', reduce: { strategy: 'sum' } } },
              required: ['id'],
            },
            key: ['/id'],
          },
        },
      ]),
    ).toEqual([
      "aliceCo/c#/schema: '/n' has reduction strategy, but its parent does not (at /n)",
      'aliceCo/c#/schema: /n has \'sum\' reduction strategy, restricted to numbers, but has types "string" (at /n)',
    ]);
  });
});

describe('bindings', () => {
  const live: LiveEntry[] = [
    { name: 'aliceCo/live', type: 'collection', spec: collection() },
    { name: 'aliceCo/cap', type: 'capture', spec: capture('aliceCo/live') },
    { name: 'shared/public', type: 'collection', spec: collection() },
  ];

  it('requires bound collections to exist, with a suggestion for a near miss', () => {
    expect(
      messages(
        [
          { name: 'aliceCo/c1', type: 'capture', spec: capture('aliceCo/lve', 'aliceCo/nothing/like/it') },
          { name: 'aliceCo/m1', type: 'materialization', spec: materialization('aliceCo/cap') },
          {
            name: 'aliceCo/t1',
            type: 'test',
            spec: [{ ingest: { collection: 'aliceCo/missing', documents: [] } }],
          },
        ],
        ctx(live),
      ),
    ).toEqual([
      'aliceCo/c1#/bindings/0/target: collection aliceCo/lve, referenced by this capture binding, is not defined; did you mean aliceCo/live?',
      'aliceCo/c1#/bindings/1/target: collection aliceCo/nothing/like/it, referenced by this capture binding, is not defined',
      'aliceCo/m1#/bindings/0/source: aliceCo/cap, referenced by this materialization binding, is not a collection; did you mean aliceCo/live?',
      'aliceCo/t1#/0/ingest/collection: collection aliceCo/missing, referenced by this test step, is not defined',
    ]);
  });

  it('requires read on sources and write on targets, for the publisher', () => {
    expect(
      messages(
        [
          { name: 'aliceCo/c1', type: 'capture', spec: capture('shared/public') },
          { name: 'aliceCo/m1', type: 'materialization', spec: materialization('shared/public') },
          { name: 'aliceCo/m2', type: 'materialization', spec: materialization('bobCo/private') },
        ],
        ctx(live),
      ),
    ).toEqual([
      'aliceCo/c1#/bindings/0/target: collection shared/public, referenced by this capture binding, is not writable by you: it needs the write capability (you have read)',
      'aliceCo/m2#/bindings/0/source: collection bobCo/private, referenced by this materialization binding, is not readable by you: it needs the read capability (you have none)',
    ]);
  });

  it('refuses bindings to a collection the same publication deletes, and captures into derivations', () => {
    expect(
      messages(
        [
          { name: 'aliceCo/live', type: null, spec: null },
          { name: 'aliceCo/cap', type: null, spec: null },
          { name: 'aliceCo/m1', type: 'materialization', spec: materialization('aliceCo/live') },
          {
            name: 'aliceCo/der',
            type: 'collection',
            spec: collection({
              derivation: {
                typescript: { module: 'x' },
                transform: { t: { source: { name: 'aliceCo/live' }, publish: { lambda: 'typescript' } } },
              },
            }),
          },
          { name: 'aliceCo/c2', type: 'capture', spec: capture('aliceCo/der') },
        ],
        ctx(live),
      ),
    ).toEqual([
      'aliceCo/m1#/bindings/0/source: collection aliceCo/live, referenced by this materialization binding, is deleted by this publication',
      'aliceCo/der#/derivation/transform/t/source/name: collection aliceCo/live, referenced by transform t, is deleted by this publication',
      'aliceCo/c2#/bindings/0/target: cannot capture into derived collection aliceCo/der',
    ]);
  });

  it('checks partition selectors (fields and their values) and shuffle keys against the source collection', () => {
    const source: LiveEntry = {
      name: 'aliceCo/src',
      type: 'collection',
      spec: collection({ projections: { kind: { location: '/kind', partition: true } } }),
    };
    expect(
      messages(
        [
          {
            name: 'aliceCo/m',
            type: 'materialization',
            spec: materialization('aliceCo/src', {
              partitions: {
                include: { kind: ['a', 7, ''], name: ['x'], nope: [1] },
                exclude: { kind: [null] },
              },
            }),
          },
          {
            name: 'aliceCo/der',
            type: 'collection',
            spec: collection({
              derivation: {
                transform: {
                  t: { source: { name: 'aliceCo/src' }, shuffle: { key: ['/name'] } },
                },
              },
            }),
          },
        ],
        ctx([source]),
      ),
    ).toEqual([
      'aliceCo/m#/bindings/0/partitions/include/kind/1: include partition selector field kind value 7 is incompatible with the projections type, "string"',
      'aliceCo/m#/bindings/0/partitions/include/kind/2: include partition selector field kind cannot be an empty string',
      'aliceCo/m#/bindings/0/partitions/include/name: include projection name of collection aliceCo/src is not a partition',
      'aliceCo/m#/bindings/0/partitions/include/nope: include projection nope does not exist in collection aliceCo/src',
      'aliceCo/m#/bindings/0/partitions/exclude/kind/0: exclude partition selector field kind value null is incompatible with the projections type, "string"',
      "aliceCo/der#/derivation/transform/t: transform t must set at least one of 'update' or 'publish' lambdas",
      'aliceCo/der#/derivation/transform/t/shuffle/key/0: keyed location /name must be required to exist by schema aliceCo/src#/schema (https://go.estuary.dev/KUYbal)',
    ]);
  });
});

describe("test steps: verified documents in key order (Flow's json_cmp)", () => {
  const lt = (a: unknown, b: unknown): void => {
    expect(jsonCompare(a, b), `${JSON.stringify(a)} < ${JSON.stringify(b)}`).toBeLessThan(0);
    expect(jsonCompare(b, a), `${JSON.stringify(b)} > ${JSON.stringify(a)}`).toBeGreaterThan(0);
  };
  const eq = (a: unknown, b: unknown): void => expect(jsonCompare(a, b)).toBe(0);

  it('orders JSON values as crates/json does (its own test cases)', () => {
    eq(null, null);
    lt(false, true);
    lt(null, false);
    eq(20, 20.0);
    lt(-20, -10.0);
    lt(-1, 1);
    lt(true, 1);
    lt('', 'foo');
    lt('foo', 'foobar');
    lt('foo', 'fp');
    lt(1, '1');
    lt([], [1, 2]);
    lt([1, 2], [1, 2, 3]);
    lt([1, 2, 3], [1, 3]);
    lt('1', [1]);
    lt({}, { a: 1 });
    lt({ a: 1 }, { b: 2 });
    lt({ a: 1, b: 2 }, { a: 1, c: 1 });
    lt({ a: 1, b: 2 }, { a: 1, b: 3 });
    lt([1], { 1: 1 });
    // Rust compares strings by UTF-8 bytes: U+FFFD sorts before U+1F600 (JavaScript's < says the opposite).
    lt('\uFFFD', '\u{1F600}');
    const [d1, d2] = [
      { a: 1, b: 2, c: 3 },
      { a: 2, b: 1, c: 3 },
    ];
    expect(compareAtKey(['/c', '/a'], d1, d2)).toBeLessThan(0);
    expect(compareAtKey(['/c', '/b'], d1, d2)).toBeGreaterThan(0);
    // A missing location is null.
    expect(compareAtKey(['/b'], { a: null, c: 3 }, { b: 2 })).toBeLessThan(0);
    expect(compareAtKey(['/a'], { a: null, c: 3 }, { b: 2 })).toBe(0);
  });

  it('refuses a verify step whose documents are out of key order, at the step', () => {
    const draft = (documents: object[]): DraftEntry[] => [
      { name: 'aliceCo/c', type: 'collection', spec: collection() },
      {
        name: 'aliceCo/t',
        type: 'test',
        spec: [
          { ingest: { collection: 'aliceCo/c', documents: [{ id: 1, kind: 'a' }] } },
          { verify: { collection: 'aliceCo/c', documents } },
        ],
      },
    ];
    expect(messages(draft([{ id: 1 }, { id: 2 }, { id: 2 }, { id: 10 }]))).toEqual([]);
    expect(messages(draft([{ id: 2 }, { id: 10 }, { id: 3 }]))).toEqual([
      'aliceCo/t#/1/verify/documents: documents to verify are not in collection key order',
    ]);
  });
});

describe('derivation shuffles (Flow derivation.rs)', () => {
  const byId: LiveEntry = { name: 'aliceCo/ints', type: 'collection', spec: collection() };
  const byName: LiveEntry = {
    name: 'aliceCo/strings',
    type: 'collection',
    spec: {
      schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
      key: ['/name'],
    },
  };
  const derivation = (transform: object): DraftEntry[] => [
    { name: 'aliceCo/der', type: 'collection', spec: collection({ derivation: { transform } }) },
  ];
  const publish = { lambda: { remote: 'http://127.0.0.1:9/publish' } };
  const update = { lambda: { remote: 'http://127.0.0.1:9/update' } };

  it('requires the shuffle key types of a stateful derivation to align, each transform with the next', () => {
    expect(
      messages(
        derivation({
          fromStrings: { source: { name: 'aliceCo/strings' }, update },
          fromInts: { source: { name: 'aliceCo/ints' }, update },
        }),
        ctx([byId, byName]),
      ),
    ).toEqual([
      'aliceCo/der#/derivation/transform/fromInts: transform fromInts shuffled key types ["integer"] don\'t align with transform fromStrings types ["string"]',
    ]);
    // Shuffled on a key of the same type: aligned.
    expect(
      messages(
        derivation({
          fromStrings: { source: { name: 'aliceCo/strings' }, update },
          fromInts: { source: { name: 'aliceCo/ints' }, update, shuffle: { key: ['/kind'] } },
        }),
        ctx([byId, byName]),
      ),
    ).toEqual([]);
    // Stateless (publish only, no shuffle): each source keeps its own key.
    expect(
      messages(
        derivation({
          fromStrings: { source: { name: 'aliceCo/strings' }, publish },
          fromInts: { source: { name: 'aliceCo/ints' }, publish },
        }),
        ctx([byId, byName]),
      ),
    ).toEqual([]);
  });

  it("refuses a shuffle key that repeats the source collection's key", () => {
    expect(
      messages(
        derivation({ t: { source: { name: 'aliceCo/ints' }, publish, shuffle: { key: ['/id'] } } }),
        ctx([byId]),
      ),
    ).toEqual([
      'aliceCo/der#/derivation/transform/t/shuffle/key: transform t shuffle key is already the key of aliceCo/ints and should be omitted here',
    ]);
  });
});

describe('deletions', () => {
  const live: LiveEntry[] = [{ name: 'aliceCo/src', type: 'collection', spec: collection() }];
  const dependents = new Map([
    [
      'aliceCo/src',
      {
        visible: [
          { name: 'aliceCo/cap', type: 'capture' as const, how: 'writes' as const },
          { name: 'aliceCo/mat', type: 'materialization' as const, how: 'reads' as const },
        ],
        hidden: 1,
      },
    ],
  ]);

  it('refuses to delete a spec that live specs still use, naming them', () => {
    expect(messages([{ name: 'aliceCo/src', type: null, spec: null }], ctx(live, { dependents }))).toEqual([
      'aliceCo/src#: Cannot delete aliceCo/src: capture aliceCo/cap writes into it, materialization aliceCo/mat reads from it, 1 spec(s) you may not read use it; delete them, or change them to no longer use it, in the same publication',
    ]);
  });

  it('allows it when the dependents are deleted or changed in the same publication', () => {
    const c = ctx(live, {
      dependents: new Map([['aliceCo/src', { visible: dependents.get('aliceCo/src')!.visible, hidden: 0 }]]),
    });
    expect(
      messages(
        [
          { name: 'aliceCo/src', type: null, spec: null },
          { name: 'aliceCo/cap', type: null, spec: null },
          { name: 'aliceCo/mat', type: 'materialization', spec: materialization('aliceCo/other') },
          { name: 'aliceCo/other', type: 'collection', spec: collection() },
        ],
        c,
      ),
    ).toEqual([]);
  });
});

describe('names across the catalog', () => {
  it('refuses names nested under or colliding with others', () => {
    expect(
      messages(
        [
          { name: 'aliceCo/a', type: 'collection', spec: collection() },
          { name: 'aliceCo/A', type: 'collection', spec: collection() },
          { name: 'aliceCo/live/sub', type: 'collection', spec: collection() },
        ],
        ctx([{ name: 'aliceCo/live', type: 'collection', spec: collection() }]),
      ),
    ).toEqual([
      'aliceCo/a#: collection aliceCo/a collides with collection aliceCo/A',
      'aliceCo/A#: collection aliceCo/A collides with collection aliceCo/a',
      'aliceCo/live/sub#: collection aliceCo/live is a prohibited prefix of collection aliceCo/live/sub',
    ]);
  });

  it('requires admin on changed names when asked (the editor)', () => {
    expect(
      messages(
        [{ name: 'shared/x', type: 'collection', spec: collection() }],
        ctx([], { checkAuthorization: true }),
      ),
    ).toEqual([
      'shared/x#: User is not authorized to change shared/x: it needs the admin capability (it has read)',
    ]);
  });

  it('lists the names the caller must look up, and measures edit distance as Flow does', () => {
    expect(
      referencedNames([
        { name: 'aliceCo/gone', type: null, spec: null },
        { name: 'aliceCo/m', type: 'materialization', spec: materialization('aliceCo/src') },
      ]),
    ).toEqual(['aliceCo/gone', 'aliceCo/src']);
    expect(osaDistance('aliceCo/lve', 'aliceCo/live')).toBe(1);
    expect(osaDistance('ab', 'ba')).toBe(1);
  });
});

describe('capabilities from roles', () => {
  it('takes the best role whose prefix the name starts with, placeholders counting as none', async () => {
    const { capabilityFromRoles } = await import('./catalog-checks.js');
    const roles = [
      { role_prefix: 'aliceCo/', capability: 'read' },
      { role_prefix: 'aliceCo/mine/', capability: 'admin' },
      { role_prefix: 'other/', capability: 'x_05' },
    ];
    expect(capabilityFromRoles(roles, 'aliceCo/mine/x')).toBe('admin');
    expect(capabilityFromRoles(roles, 'aliceCo/x')).toBe('read');
    expect(capabilityFromRoles(roles, 'other/x')).toBeNull();
    expect(capabilityFromRoles(roles, 'aliceCoX/x')).toBeNull();
  });
});
