// Parsing of draft specs by type (the 2022 catalog format: draft_specs.spec holds only the inner definition),
// and what the control plane needs from them: the collections a spec reads and writes, and its connector image.

/** The four spec types of catalog_spec_type. */
export type SpecType = 'capture' | 'collection' | 'materialization' | 'test';

/** A parsed, valid spec with the facts the publication needs. */
export interface ParsedSpec {
  readonly type: SpecType;
  readonly spec: unknown;
  readonly readsFrom: readonly string[];
  readonly writesTo: readonly string[];
  /** Image without tag, and tag with its separator (":v1", "@sha256:..."), for connector tasks. */
  readonly image: { readonly name: string; readonly tag: string } | null;
  /** Collections only: key pointers and partitioned projections (for transition checks). */
  readonly key?: readonly string[];
  readonly partitions?: readonly string[];
  /** Collections only: whether it is a derivation (a task with shards and a recovery log). */
  readonly isDerivation: boolean;
}

type Obj = Record<string, unknown>;

class SpecError extends Error {}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function obj(v: unknown, where: string): Obj {
  if (!isObj(v)) throw new SpecError(`${where} must be an object`);
  return v;
}

function str(v: unknown, where: string): string {
  if (typeof v !== 'string' || v === '') throw new SpecError(`${where} must be a non-empty string`);
  return v;
}

function arr(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new SpecError(`${where} must be an array`);
  return v;
}

function onlyKeys(o: Obj, allowed: readonly string[], where: string): void {
  const unknown = Object.keys(o).filter((k) => !allowed.includes(k));
  if (unknown.length > 0)
    throw new SpecError(`${where} has unknown field(s) ${unknown.map((k) => `"${k}"`).join(', ')}`);
}

/** Splits `image:tag` at `@sha256:` or at the last `:` after the last `/` (a registry port is not a tag). */
export function splitImage(image: string): { name: string; tag: string } {
  const digest = image.indexOf('@sha256:');
  if (digest >= 0) return { name: image.slice(0, digest), tag: image.slice(digest) };
  const colon = image.lastIndexOf(':');
  if (colon > image.lastIndexOf('/')) return { name: image.slice(0, colon), tag: image.slice(colon) };
  return { name: image, tag: '' };
}

function connectorImage(
  endpoint: Obj,
  where: string,
  alternatives: readonly string[],
): { name: string; tag: string } | null {
  onlyKeys(endpoint, ['connector', ...alternatives], where);
  const kinds = Object.keys(endpoint);
  if (kinds.length !== 1)
    throw new SpecError(`${where} must have exactly one of ${['connector', ...alternatives].join(', ')}`);
  if (!('connector' in endpoint)) return null;
  const connector = obj(endpoint.connector, `${where}.connector`);
  onlyKeys(connector, ['image', 'config'], `${where}.connector`);
  if (!('config' in connector)) throw new SpecError(`${where}.connector.config is required`);
  return splitImage(str(connector.image, `${where}.connector.image`));
}

function parseCollection(s: unknown): ParsedSpec {
  const c = obj(s, 'collection');
  onlyKeys(c, ['schema', 'key', 'projections', 'journals', 'derivation'], 'collection');
  if (
    !('schema' in c) ||
    !(isObj(c.schema) || typeof c.schema === 'boolean' || typeof c.schema === 'string')
  ) {
    throw new SpecError('collection.schema must be a JSON schema (object, boolean or URL)');
  }
  const key = arr(c.key, 'collection.key').map((k, i) => str(k, `collection.key[${i}]`));
  if (key.length === 0) throw new SpecError('collection.key must not be empty');
  for (const k of key)
    if (!k.startsWith('/')) throw new SpecError(`collection.key "${k}" must be a JSON pointer`);
  const partitions: string[] = [];
  if (c.projections !== undefined) {
    for (const [field, p] of Object.entries(obj(c.projections, 'collection.projections'))) {
      if (isObj(p) && p.partition === true) partitions.push(field);
      else if (!isObj(p) && typeof p !== 'string')
        throw new SpecError(`collection.projections.${field} is invalid`);
    }
  }
  const readsFrom: string[] = [];
  if (c.derivation !== undefined) {
    const d = obj(c.derivation, 'collection.derivation');
    for (const [name, t] of Object.entries(obj(d.transform, 'collection.derivation.transform'))) {
      const source = obj(obj(t, `transform ${name}`).source, `transform ${name}.source`);
      readsFrom.push(str(source.name, `transform ${name}.source.name`));
    }
  }
  return {
    type: 'collection',
    spec: s,
    readsFrom: [...new Set(readsFrom)].sort(),
    writesTo: [],
    image: null,
    key,
    partitions: partitions.sort(),
    isDerivation: c.derivation !== undefined,
  };
}

function parseCapture(s: unknown): ParsedSpec {
  const c = obj(s, 'capture');
  onlyKeys(c, ['endpoint', 'bindings', 'interval', 'shards'], 'capture');
  const image = connectorImage(obj(c.endpoint, 'capture.endpoint'), 'capture.endpoint', [
    'ingest',
    'airbyteSource',
  ]);
  const writesTo = arr(c.bindings, 'capture.bindings').map((b, i) => {
    const binding = obj(b, `capture.bindings[${i}]`);
    onlyKeys(binding, ['resource', 'target'], `capture.bindings[${i}]`);
    obj(binding.resource, `capture.bindings[${i}].resource`);
    return str(binding.target, `capture.bindings[${i}].target`);
  });
  return {
    type: 'capture',
    spec: s,
    readsFrom: [],
    writesTo: [...new Set(writesTo)].sort(),
    image,
    isDerivation: false,
  };
}

function parseMaterialization(s: unknown): ParsedSpec {
  const m = obj(s, 'materialization');
  onlyKeys(m, ['endpoint', 'bindings', 'shards'], 'materialization');
  const image = connectorImage(obj(m.endpoint, 'materialization.endpoint'), 'materialization.endpoint', [
    'sqlite',
    'flowSink',
  ]);
  const readsFrom = arr(m.bindings, 'materialization.bindings').map((b, i) => {
    const binding = obj(b, `materialization.bindings[${i}]`);
    onlyKeys(binding, ['source', 'resource', 'fields', 'partitions'], `materialization.bindings[${i}]`);
    obj(binding.resource, `materialization.bindings[${i}].resource`);
    return str(binding.source, `materialization.bindings[${i}].source`);
  });
  return {
    type: 'materialization',
    spec: s,
    readsFrom: [...new Set(readsFrom)].sort(),
    writesTo: [],
    image,
    isDerivation: false,
  };
}

function parseTest(s: unknown): ParsedSpec {
  const readsFrom: string[] = [];
  const writesTo: string[] = [];
  arr(s, 'test').forEach((step, i) => {
    const st = obj(step, `test step ${i}`);
    onlyKeys(st, ['ingest', 'verify'], `test step ${i}`);
    const [kind, ...more] = Object.keys(st);
    if (!kind || more.length > 0) throw new SpecError(`test step ${i} must be exactly one of ingest, verify`);
    const body = obj(st[kind], `test step ${i}.${kind}`);
    const allowed =
      kind === 'ingest'
        ? ['collection', 'documents', 'description']
        : ['collection', 'documents', 'partitions', 'description'];
    onlyKeys(body, allowed, `test step ${i}.${kind}`);
    const collection = str(body.collection, `test step ${i}.${kind}.collection`);
    if (!Array.isArray(body.documents) && typeof body.documents !== 'string') {
      throw new SpecError(`test step ${i}.${kind}.documents must be an array or a URL`);
    }
    (kind === 'ingest' ? writesTo : readsFrom).push(collection);
  });
  return {
    type: 'test',
    spec: s,
    readsFrom: [...new Set(readsFrom)].sort(),
    writesTo: [...new Set(writesTo)].sort(),
    image: null,
    isDerivation: false,
  };
}

/** Parses a spec of a type; throws an Error whose message says what is wrong. */
export function parseSpec(type: SpecType, spec: unknown): ParsedSpec {
  switch (type) {
    case 'collection':
      return parseCollection(spec);
    case 'capture':
      return parseCapture(spec);
    case 'materialization':
      return parseMaterialization(spec);
    case 'test':
      return parseTest(spec);
  }
}

/** Whether a spec of this type runs as a task (and so needs a recovery-log storage mapping). */
export function isTask(parsed: ParsedSpec): boolean {
  return parsed.type === 'capture' || parsed.type === 'materialization' || parsed.isDerivation;
}
