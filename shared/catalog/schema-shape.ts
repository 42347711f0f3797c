// What a JSON schema says about the locations of its documents: which types a location accepts, whether it must,
// may or cannot exist, and its reduction strategy. A TypeScript reading of Flow's shape inference (crates/doc,
// `inference.rs`: `Shape::infer`, `locate`, `Exists`), which Flow's validation uses to judge collection keys,
// projections and partitions. Only local `$ref`s are followed; anything unknown is treated as "any", as Flow does.
import { pointerTokens } from './json-pointer.js';

/** JSON types as bits, as Flow's `types::Set` (`fractional` is a number with a fractional part). */
export const T = {
  INVALID: 0,
  ARRAY: 1,
  BOOLEAN: 2,
  FRACTIONAL: 4,
  INTEGER: 8,
  NULL: 16,
  OBJECT: 32,
  STRING: 64,
  ANY: 127,
} as const;

const TYPE_NAMES: Record<string, number> = {
  array: T.ARRAY,
  boolean: T.BOOLEAN,
  integer: T.INTEGER,
  null: T.NULL,
  number: T.INTEGER | T.FRACTIONAL,
  object: T.OBJECT,
  string: T.STRING,
};

/** Type names of a set in Flow's order and wording: `"integer", "null"`, `"number"`, `"fractional"`. */
export function typeNames(types: number): string[] {
  const out: string[] = [];
  if (types & T.ARRAY) out.push('array');
  if (types & T.BOOLEAN) out.push('boolean');
  const num = types & (T.INTEGER | T.FRACTIONAL);
  if (num === T.FRACTIONAL) out.push('fractional');
  if (num === T.INTEGER) out.push('integer');
  if (types & T.NULL) out.push('null');
  if (num === (T.INTEGER | T.FRACTIONAL)) out.push('number');
  if (types & T.OBJECT) out.push('object');
  if (types & T.STRING) out.push('string');
  return out;
}

/** Whether a location must, may or cannot exist; `implicit` when the schema says nothing about it. */
export type Exists = 'must' | 'may' | 'implicit' | 'cannot';

const EXISTS_ORDER: readonly Exists[] = ['must', 'may', 'implicit', 'cannot'];
function extend(parent: Exists, child: Exists): Exists {
  return EXISTS_ORDER[Math.max(EXISTS_ORDER.indexOf(parent), EXISTS_ORDER.indexOf(child))] ?? 'cannot';
}

/** The inferred shape of a location. */
export interface Shape {
  types: number;
  reduction: string | null;
  properties: Map<string, { shape: Shape; required: boolean }>;
  patterns: { re: RegExp | null; source: string; shape: Shape }[];
  additional: Shape | null;
  tuple: Shape[];
  items: Shape | null;
  minItems: number;
  maxItems: number | null;
}

function anyShape(): Shape {
  return {
    types: T.ANY,
    reduction: null,
    properties: new Map(),
    patterns: [],
    additional: null,
    tuple: [],
    items: null,
    minItems: 0,
    maxItems: null,
  };
}

/** The type of a JSON value as a set of one (Flow's `types::Set::for_value`). */
export function typeOfValue(v: unknown): number {
  if (v === null) return T.NULL;
  if (Array.isArray(v)) return T.ARRAY;
  if (typeof v === 'boolean') return T.BOOLEAN;
  if (typeof v === 'number') return Number.isInteger(v) ? T.INTEGER : T.FRACTIONAL;
  if (typeof v === 'string') return T.STRING;
  return typeof v === 'object' ? T.OBJECT : T.INVALID;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function regexOf(source: string): RegExp | null {
  try {
    return new RegExp(source, 'u');
  } catch {
    return null;
  }
}

/** The shape of a property name under an object shape's patterns and additional properties, if any applies. */
function patternOrAdditional(s: Shape, name: string): Shape | null {
  const pattern = s.patterns.find((p) => p.re?.test(name));
  return pattern?.shape ?? s.additional;
}

/** The shape of documents valid against both shapes (allOf). */
export function intersect(a: Shape, b: Shape): Shape {
  const out = anyShape();
  out.types = a.types & b.types;
  out.reduction = a.reduction ?? b.reduction;
  const names = new Set([...a.properties.keys(), ...b.properties.keys()]);
  for (const name of names) {
    const l = a.properties.get(name);
    const r = b.properties.get(name);
    const ls = l?.shape ?? patternOrAdditional(a, name);
    const rs = r?.shape ?? patternOrAdditional(b, name);
    const shape = ls && rs ? intersect(ls, rs) : (ls ?? rs ?? anyShape());
    out.properties.set(name, { shape, required: Boolean(l?.required) || Boolean(r?.required) });
  }
  out.patterns = [...a.patterns, ...b.patterns];
  out.additional =
    a.additional && b.additional ? intersect(a.additional, b.additional) : (a.additional ?? b.additional);
  const len = Math.max(a.tuple.length, b.tuple.length);
  for (let i = 0; i < len; i++) {
    const l = a.tuple[i] ?? a.items;
    const r = b.tuple[i] ?? b.items;
    out.tuple.push(l && r ? intersect(l, r) : (l ?? r ?? anyShape()));
  }
  out.items = a.items && b.items ? intersect(a.items, b.items) : (a.items ?? b.items);
  out.minItems = Math.max(a.minItems, b.minItems);
  out.maxItems =
    a.maxItems === null ? b.maxItems : b.maxItems === null ? a.maxItems : Math.min(a.maxItems, b.maxItems);
  return out;
}

/** The shape of documents valid against either shape (anyOf / oneOf). */
export function union(a: Shape, b: Shape): Shape {
  if (a.types === T.INVALID) return b;
  if (b.types === T.INVALID) return a;
  const out = anyShape();
  out.types = a.types | b.types;
  out.reduction = a.reduction === b.reduction ? a.reduction : null;
  const names = new Set([...a.properties.keys(), ...b.properties.keys()]);
  for (const name of names) {
    const l = a.properties.get(name);
    const r = b.properties.get(name);
    // A property only one side defines stays known only if the other side constrains it too (Flow's rule).
    const ls = l?.shape ?? patternOrAdditional(a, name);
    const rs = r?.shape ?? patternOrAdditional(b, name);
    // A side that cannot be an object does not weaken what the other side requires of its properties.
    if (!(a.types & T.OBJECT) && r) out.properties.set(name, r);
    else if (!(b.types & T.OBJECT) && l) out.properties.set(name, l);
    else if (ls && rs)
      out.properties.set(name, { shape: union(ls, rs), required: Boolean(l?.required && r?.required) });
  }
  out.additional = a.additional && b.additional ? union(a.additional, b.additional) : null;
  const len = Math.min(a.tuple.length, b.tuple.length);
  for (let i = 0; i < len; i++) out.tuple.push(union(a.tuple[i] ?? anyShape(), b.tuple[i] ?? anyShape()));
  out.items = a.items && b.items ? union(a.items, b.items) : null;
  out.minItems = Math.min(a.minItems, b.minItems);
  out.maxItems = a.maxItems === null || b.maxItems === null ? null : Math.max(a.maxItems, b.maxItems);
  return out;
}

/** Resolves local `$ref`s (`#/pointer`, `#anchor`, and `$id`s of the same document). */
export class Resolver {
  private readonly ids = new Map<string, unknown>();
  private readonly anchors = new Map<string, unknown>();

  constructor(private readonly root: unknown) {
    this.index(root, 0);
  }

  private index(node: unknown, depth: number): void {
    if (depth > 64) return;
    if (Array.isArray(node)) {
      for (const n of node) this.index(n, depth + 1);
      return;
    }
    if (!isObj(node)) return;
    if (typeof node.$id === 'string') this.ids.set(node.$id.replace(/#$/, ''), node);
    if (typeof node.$anchor === 'string') this.anchors.set(node.$anchor, node);
    if (typeof node.$dynamicAnchor === 'string') this.anchors.set(node.$dynamicAnchor, node);
    for (const [k, v] of Object.entries(node)) {
      if (k === 'const' || k === 'enum' || k === 'default' || k === 'examples') continue;
      this.index(v, depth + 1);
    }
  }

  /** The schema a reference names, or undefined when it is not in this document. */
  resolve(ref: string): unknown {
    const hash = ref.indexOf('#');
    const base = hash < 0 ? ref : ref.slice(0, hash);
    const fragment = hash < 0 ? '' : ref.slice(hash + 1);
    let doc: unknown = this.root;
    if (base !== '') {
      doc = this.ids.get(base) ?? [...this.ids].find(([id]) => id.endsWith(`/${base}`))?.[1];
      if (doc === undefined) return undefined;
    }
    if (fragment === '' || fragment.startsWith('/')) {
      let at: unknown = doc;
      for (const token of pointerTokens(decodeURIComponent(fragment))) {
        if (Array.isArray(at)) at = /^\d+$/.test(token) ? (at[Number(token)] as unknown) : undefined;
        else if (isObj(at)) at = at[token];
        else return undefined;
      }
      return at;
    }
    return this.anchors.get(fragment);
  }
}

function inferInner(schema: unknown, resolver: Resolver, stack: unknown[]): Shape {
  if (schema === true || schema === undefined) return anyShape();
  if (schema === false) return { ...anyShape(), types: T.INVALID };
  if (!isObj(schema)) return anyShape();
  // A recursive schema: what lies below the recursion is unknown.
  if (stack.includes(schema) || stack.length > 48) return anyShape();
  const next = [...stack, schema];
  const s = anyShape();

  if (typeof schema.type === 'string') s.types = TYPE_NAMES[schema.type] ?? T.ANY;
  else if (Array.isArray(schema.type))
    s.types = schema.type.reduce<number>((acc, t) => acc | (TYPE_NAMES[String(t)] ?? 0), 0);
  if ('const' in schema) s.types &= typeOfValue(schema.const);
  if (Array.isArray(schema.enum)) s.types &= schema.enum.reduce<number>((acc, v) => acc | typeOfValue(v), 0);
  const reduce = schema.reduce;
  if (isObj(reduce) && typeof reduce.strategy === 'string') s.reduction = reduce.strategy;

  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  if (isObj(schema.properties)) {
    for (const [name, sub] of Object.entries(schema.properties)) {
      s.properties.set(name, { shape: inferInner(sub, resolver, next), required: required.has(name) });
    }
  }
  for (const name of required) {
    if (!s.properties.has(name)) s.properties.set(name, { shape: anyShape(), required: true });
  }
  if (isObj(schema.patternProperties)) {
    for (const [source, sub] of Object.entries(schema.patternProperties)) {
      s.patterns.push({ re: regexOf(source), source, shape: inferInner(sub, resolver, next) });
    }
  }
  if ('additionalProperties' in schema)
    s.additional = inferInner(schema.additionalProperties, resolver, next);
  else if ('unevaluatedProperties' in schema)
    s.additional = inferInner(schema.unevaluatedProperties, resolver, next);

  const tuple = Array.isArray(schema.prefixItems)
    ? schema.prefixItems
    : Array.isArray(schema.items)
      ? schema.items
      : null;
  if (tuple) s.tuple = tuple.map((sub) => inferInner(sub, resolver, next));
  if (schema.items !== undefined && !Array.isArray(schema.items))
    s.items = inferInner(schema.items, resolver, next);
  else if (Array.isArray(schema.items) && 'additionalItems' in schema)
    s.items = inferInner(schema.additionalItems, resolver, next);
  if (typeof schema.minItems === 'number') s.minItems = schema.minItems;
  if (typeof schema.maxItems === 'number') s.maxItems = schema.maxItems;

  let out = s;
  const refs = [schema.$ref, schema.$dynamicRef, schema.$recursiveRef].filter((r) => typeof r === 'string');
  for (const ref of refs) {
    const target = resolver.resolve(ref);
    if (target !== undefined) out = intersect(out, inferInner(target, resolver, next));
  }
  if (Array.isArray(schema.allOf)) {
    for (const sub of schema.allOf) out = intersect(out, inferInner(sub, resolver, next));
  }
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const options = schema[keyword];
    if (!Array.isArray(options) || options.length === 0) continue;
    const alternatives = options
      .map((sub) => intersect(out, inferInner(sub, resolver, next)))
      .reduce((acc, sh) => union(acc, sh));
    out = alternatives;
  }
  return out;
}

/** Infers the shape of the documents a JSON schema accepts. */
export function inferShape(schema: unknown): Shape {
  return inferInner(schema, new Resolver(schema), []);
}

const SENTINEL = anyShape();

function locateToken(s: Shape, token: string): { shape: Shape; exists: Exists } {
  const index = /^(0|[1-9]\d*)$/.test(token) ? Number(token) : null;
  if (index !== null && s.types & T.ARRAY) {
    const exists: Exists =
      s.types === T.ARRAY && index < s.minItems
        ? 'must'
        : s.maxItems !== null && index >= s.maxItems
          ? 'cannot'
          : s.maxItems !== null || index < s.tuple.length || s.items !== null
            ? 'may'
            : 'implicit';
    return { shape: s.tuple[index] ?? s.items ?? SENTINEL, exists };
  }
  if (token === '-' && s.types & T.ARRAY) return { shape: s.items ?? SENTINEL, exists: 'cannot' };
  if (s.types & T.OBJECT) {
    const property = s.properties.get(token);
    if (property) {
      return { shape: property.shape, exists: s.types === T.OBJECT && property.required ? 'must' : 'may' };
    }
    const other = patternOrAdditional(s, token);
    return other ? { shape: other, exists: 'may' } : { shape: SENTINEL, exists: 'implicit' };
  }
  return { shape: SENTINEL, exists: 'cannot' };
}

/** The shape at a JSON pointer and whether it must, may or cannot exist there (Flow's `Shape::locate`). */
export function locate(root: Shape, pointer: string): { shape: Shape; exists: Exists } {
  let shape = root;
  let exists: Exists = 'must';
  for (const token of pointerTokens(pointer)) {
    const next = locateToken(shape, token);
    shape = next.shape;
    exists = extend(exists, next.exists);
  }
  if (shape.types === T.INVALID) exists = 'cannot';
  return { shape, exists };
}

/** Every location the schema names statically (no patterns), as JSON pointers; the root is `""`. */
export function knownLocations(root: Shape): string[] {
  const out: string[] = [];
  const walk = (s: Shape, ptr: string, depth: number): void => {
    out.push(ptr);
    if (depth > 16) return;
    for (const [name, p] of s.properties) {
      walk(p.shape, `${ptr}/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`, depth + 1);
    }
    s.tuple.forEach((t, i) => walk(t, `${ptr}/${i}`, depth + 1));
  };
  walk(root, '', 0);
  return out;
}

/** Problems of reduction annotations (Flow's `Shape::inspect`), as [pointer, message]. */
export function inspectShape(root: Shape): [string, string][] {
  const out: [string, string][] = [];
  const walk = (s: Shape, ptr: string, mustExist: boolean, depth: number): void => {
    if (depth > 16) return;
    const at = ptr === '' ? '' : ptr;
    if (s.types === T.INVALID && mustExist)
      out.push([at, `'${at}' must exist, but is constrained to always be invalid`]);
    const types = typeNames(s.types).join('", "');
    if (s.reduction === 'sum' && s.types & ~(T.INTEGER | T.FRACTIONAL))
      out.push([at, `${at} has 'sum' reduction strategy, restricted to numbers, but has types "${types}"`]);
    if (s.reduction === 'merge' && s.types & ~(T.OBJECT | T.ARRAY))
      out.push([
        at,
        `${at} has 'merge' reduction strategy, restricted to objects & arrays, but has types "${types}"`,
      ]);
    const children: [string, Shape, boolean][] = [
      ...s.tuple.map((t, i): [string, Shape, boolean] => [
        `${ptr}/${i}`,
        t,
        s.types === T.ARRAY && i < s.minItems,
      ]),
      ...[...s.properties].map(([name, p]): [string, Shape, boolean] => [
        `${ptr}/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`,
        p.shape,
        s.types === T.OBJECT && p.required,
      ]),
    ];
    for (const [childPtr, child, childMust] of children) {
      if (s.reduction === null && child.reduction !== null)
        out.push([childPtr, `'${childPtr}' has reduction strategy, but its parent does not`]);
      walk(child, childPtr, mustExist && childMust, depth + 1);
    }
  };
  walk(root, '', true, 0);
  return out;
}
