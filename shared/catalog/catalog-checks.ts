// The catalog checks Flow Desktop runs on every publication, binaries or not, and the GUI runs as you type: what
// Flow's own validation (crates/validation: collection.rs, capture.rs, materialization.rs, derivation.rs,
// test_step.rs, schema.rs, indexed.rs) would refuse, in Flow's words where it has them. Pure: the caller says
// what the live catalog holds and what the publisher may do, so it runs without Postgres.
import type { CatalogSpecType } from '../control-plane-rows.js';
import { catalogNameProblems } from './catalog-names.js';
import { pointerOf, valueAt } from './json-pointer.js';
import { schemaProblems } from './schema-compile.js';
import {
  inferShape,
  inspectShape,
  knownLocations,
  locate,
  type Shape,
  T,
  typeNames,
  typeOfValue,
} from './schema-shape.js';

/** A capability of the grant_capability enum that the checks compare (others count as none). */
export type Capability = 'read' | 'write' | 'admin';

/** A spec of the publication: `type` null is a deletion. */
export interface DraftEntry {
  readonly name: string;
  readonly type: CatalogSpecType | null;
  readonly spec: unknown;
}

/** A live spec the publisher may read. */
export interface LiveEntry {
  readonly name: string;
  readonly type: CatalogSpecType;
  readonly spec: unknown;
}

/** A live spec that reads from or writes into a name. */
export interface Dependent {
  readonly name: string;
  readonly type: CatalogSpecType;
  readonly how: 'reads' | 'writes';
}

/** What the checks know beyond the draft. */
export interface CatalogContext {
  /** Live specs (not deleted) that the publisher may read, by name: at least every name the draft references. */
  readonly live: ReadonlyMap<string, LiveEntry>;
  /** The publisher's capability on a name (the best of their roles whose prefix it starts with). */
  readonly capability: (name: string) => Capability | null;
  /** For each name the draft deletes: the live specs still using it, and how many more the publisher may not read. */
  readonly dependents?: ReadonlyMap<
    string,
    { readonly visible: readonly Dependent[]; readonly hidden: number }
  >;
  /** Collection names to suggest for a misspelled reference (besides the draft's and `live`'s). */
  readonly knownCollections?: readonly string[];
  /** Also require `admin` on every name the draft changes (the GUI; the agent checks it with the transitions). */
  readonly checkAuthorization?: boolean;
}

/** One problem: the spec it is about, where in it (a JSON pointer), and what. */
export interface CatalogIssue {
  readonly catalogName: string;
  readonly pointer: string;
  readonly message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const objOf = (v: unknown): Obj => (isObj(v) ? v : {});
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const esc = (t: string): string => pointerOf([t]).slice(1);

const CAPABILITY_ORDER: readonly Capability[] = ['read', 'write', 'admin'];
function atLeast(have: Capability | null, want: Capability): boolean {
  return have !== null && CAPABILITY_ORDER.indexOf(have) >= CAPABILITY_ORDER.indexOf(want);
}

/**
 * A user's capability on a name from their roles (`auth_roles()` / `internal.user_roles` rows): the best
 * capability of the roles whose prefix the name starts with; placeholders below `read` count as none.
 */
export function capabilityFromRoles(
  roles: readonly { readonly role_prefix: string; readonly capability: string }[],
  name: string,
): Capability | null {
  let best: Capability | null = null;
  for (const r of roles) {
    if (!name.startsWith(r.role_prefix)) continue;
    const c = CAPABILITY_ORDER.find((x) => x === r.capability);
    if (c && !atLeast(best, c)) best = c;
  }
  return best;
}

/** Optimal string alignment distance (Flow suggests names within 4 edits, as `strsim::osa_distance`). */
export function osaDistance(a: string, b: string): number {
  const A = [...a];
  const B = [...b];
  const d: number[][] = Array.from({ length: A.length + 1 }, (_, i) =>
    Array.from({ length: B.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= A.length; i++) {
    for (let j = 1; j <= B.length; j++) {
      const cost = A[i - 1] === B[j - 1] ? 0 : 1;
      const row = d[i]!;
      const prev = d[i - 1]!;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && A[i - 1] === B[j - 2] && A[i - 2] === B[j - 1]) {
        row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[A.length]![B.length]!;
}

const utf8 = new TextEncoder();
/** Rust's `str` order: by UTF-8 bytes (JavaScript's `<` compares UTF-16 units, which differ above U+FFFF). */
function compareStrings(a: string, b: string): number {
  const [x, y] = [utf8.encode(a), utf8.encode(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** The rank of a JSON type in Flow's total order: null < boolean < number < string < array < object. */
function jsonRank(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'boolean') return 1;
  if (typeof v === 'number') return 2;
  if (typeof v === 'string') return 3;
  return Array.isArray(v) ? 4 : 5;
}

/**
 * Flow's deep order of JSON values (crates/json `json_cmp`): by type, then by value; arrays and objects
 * lexicographically, objects by their sorted properties (serde_json's default map). Negative, 0 or positive.
 */
export function jsonCompare(a: unknown, b: unknown): number {
  const [ra, rb] = [jsonRank(a), jsonRank(b)];
  if (ra !== rb) return ra - rb;
  if (typeof a === 'boolean' || typeof a === 'number') return Number(a) - Number(b);
  if (typeof a === 'string') return compareStrings(a, b as string);
  if (ra === 0) return 0;
  const entries = (v: unknown): [string, unknown][] =>
    Array.isArray(v)
      ? v.map((x, i) => [String(i), x])
      : Object.entries(v as Obj).sort(([x], [y]) => compareStrings(x, y));
  const [ea, eb] = [entries(a), entries(b)];
  for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
    const [[ka, va], [kb, vb]] = [ea[i]!, eb[i]!];
    const byName = ra === 5 ? compareStrings(ka, kb) : 0;
    if (byName !== 0) return byName;
    const byValue = jsonCompare(va, vb);
    if (byValue !== 0) return byValue;
  }
  return ea.length - eb.length;
}

/** Flow's `json_cmp_at`: documents compared by their values at a composite key (a missing value is null). */
export function compareAtKey(key: readonly string[], a: unknown, b: unknown): number {
  for (const ptr of key) {
    const order = jsonCompare(valueAt(a, ptr) ?? null, valueAt(b, ptr) ?? null);
    if (order !== 0) return order;
  }
  return 0;
}

/** A collection as the checks see it: its spec and the inferred shape of its schema (null: unknown). */
interface CollectionInfo {
  readonly name: string;
  readonly spec: Obj;
  readonly shape: Shape | null;
  readonly isDerivation: boolean;
}

/** The collections every spec of a draft references, and the names it deletes: what the caller must look up. */
export function referencedNames(draft: readonly DraftEntry[]): string[] {
  const names = new Set<string>();
  for (const d of draft) {
    if (d.type === null) names.add(d.name);
    for (const ref of references(d)) names.add(ref.collection);
  }
  return [...names].sort();
}

interface Reference {
  readonly collection: string;
  readonly pointer: string;
  readonly thing: string;
  readonly need: 'read' | 'write';
  readonly partitions?: { readonly pointer: string; readonly selector: unknown };
  readonly kind: 'captureTarget' | 'materializationSource' | 'transformSource' | 'ingest' | 'verify';
}

function references(d: DraftEntry): Reference[] {
  const out: Reference[] = [];
  const s = d.spec;
  const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  switch (d.type) {
    case 'capture':
      listOf(objOf(s).bindings).forEach((b, i) => {
        const target = str(objOf(b).target);
        if (target)
          out.push({
            collection: target,
            pointer: `/bindings/${i}/target`,
            thing: 'this capture binding',
            need: 'write',
            kind: 'captureTarget',
          });
      });
      break;
    case 'materialization':
      listOf(objOf(s).bindings).forEach((b, i) => {
        const source = str(objOf(b).source);
        if (source)
          out.push({
            collection: source,
            pointer: `/bindings/${i}/source`,
            thing: 'this materialization binding',
            need: 'read',
            kind: 'materializationSource',
            partitions:
              objOf(b).partitions === undefined
                ? undefined
                : { pointer: `/bindings/${i}/partitions`, selector: objOf(b).partitions },
          });
      });
      break;
    case 'collection':
      for (const [t, transform] of Object.entries(objOf(objOf(objOf(s).derivation).transform))) {
        const source = objOf(objOf(transform).source);
        const name = str(source.name);
        const base = `/derivation/transform/${esc(t)}/source`;
        if (name)
          out.push({
            collection: name,
            pointer: `${base}/name`,
            thing: `transform ${t}`,
            need: 'read',
            kind: 'transformSource',
            partitions:
              source.partitions === undefined
                ? undefined
                : { pointer: `${base}/partitions`, selector: source.partitions },
          });
      }
      break;
    case 'test':
      listOf(s).forEach((step, i) => {
        const st = objOf(step);
        const ingest = str(objOf(st.ingest).collection);
        const verify = str(objOf(st.verify).collection);
        if (ingest)
          out.push({
            collection: ingest,
            pointer: `/${i}/ingest/collection`,
            thing: 'this test step',
            need: 'write',
            kind: 'ingest',
          });
        if (verify)
          out.push({
            collection: verify,
            pointer: `/${i}/verify/collection`,
            thing: 'this test step',
            need: 'read',
            kind: 'verify',
            partitions:
              objOf(st.verify).partitions === undefined
                ? undefined
                : { pointer: `/${i}/verify/partitions`, selector: objOf(st.verify).partitions },
          });
      });
      break;
    case null:
      break;
  }
  return out;
}

/** A schema that can be read (inline), with its shape; null when it is a URL or does not compile. */
function shapeOf(schema: unknown): Shape | null {
  if (typeof schema === 'string' || schema === undefined) return null;
  if (schemaProblems(schema).length > 0) return null;
  return inferShape(schema);
}

function collectionInfo(name: string, spec: unknown): CollectionInfo {
  const s = objOf(spec);
  return { name, spec: s, shape: shapeOf(s.schema), isDerivation: s.derivation !== undefined };
}

/** Problems of a location used by a key, a partition or a projection (Flow's `walk_explicit_location`). */
function locationProblems(shape: Shape, schemaName: string, ptr: string, isKey: boolean): string[] {
  const { shape: at, exists } = locate(shape, ptr);
  if (exists === 'implicit')
    return [`location ${ptr} is unknown in schema ${schemaName} (https://go.estuary.dev/rdCMNB)`];
  if (exists === 'cannot')
    return [`location ${ptr} can never exist within schema ${schemaName} (https://go.estuary.dev/L3m1y9)`];
  if (!isKey) return [];
  const problems: string[] = [];
  if (exists === 'may')
    problems.push(
      `keyed location ${ptr} must be required to exist by schema ${schemaName} (https://go.estuary.dev/KUYbal)`,
    );
  const unkeyable = at.types & (T.OBJECT | T.ARRAY | T.FRACTIONAL | T.NULL);
  if (unkeyable !== T.INVALID) {
    const accepts = typeNames(at.types)
      .map((t) => JSON.stringify(t))
      .join(', ');
    const disallowed = typeNames(unkeyable)
      .map((t) => JSON.stringify(t))
      .join(', ');
    problems.push(
      `location ${ptr} accepts ${accepts} in schema ${schemaName}, but ${disallowed} is disallowed in locations used as keys (https://go.estuary.dev/CigSvN)`,
    );
  }
  if (at.reduction !== null && at.reduction !== 'lastWriteWins')
    problems.push(
      `keyed location ${ptr} has a disallowed ${at.reduction} reduction strategy (https://go.estuary.dev/V5RRHc)`,
    );
  return problems;
}

/** Explicit projections of a collection spec: field → { location, partition }. */
function projectionsOf(spec: Obj): Map<string, { location: string; partition: boolean }> {
  const out = new Map<string, { location: string; partition: boolean }>();
  for (const [field, p] of Object.entries(objOf(spec.projections))) {
    if (typeof p === 'string') out.set(field, { location: p, partition: false });
    else if (isObj(p) && typeof p.location === 'string')
      out.set(field, { location: p.location, partition: p.partition === true });
  }
  return out;
}

function checkSelector(
  add: (pointer: string, message: string) => void,
  pointer: string,
  selector: unknown,
  source: CollectionInfo,
): void {
  const projections = projectionsOf(source.spec);
  const canonical = new Set(source.shape ? knownLocations(source.shape).map((p) => p.slice(1)) : []);
  for (const category of ['include', 'exclude'] as const) {
    for (const field of Object.keys(objOf(objOf(selector)[category]))) {
      const at = `${pointer}/${category}/${esc(field)}`;
      const p = projections.get(field);
      if (p?.partition) {
        // Each value must be of a type the partition's location accepts, and not "" (Flow's `walk_selector`).
        const types = source.shape ? locate(source.shape, p.location).shape.types : T.ANY;
        listOf(objOf(objOf(selector)[category])[field]).forEach((value, i) => {
          if ((types & typeOfValue(value)) === T.INVALID) {
            const accepts = typeNames(types)
              .map((t) => JSON.stringify(t))
              .join(', ');
            add(
              `${at}/${i}`,
              `${category} partition selector field ${field} value ${JSON.stringify(value)} is incompatible with the projections type, ${accepts}`,
            );
          }
          if (value === '')
            add(`${at}/${i}`, `${category} partition selector field ${field} cannot be an empty string`);
        });
        continue;
      }
      if (p || canonical.has(field))
        add(at, `${category} projection ${field} of collection ${source.name} is not a partition`);
      else add(at, `${category} projection ${field} does not exist in collection ${source.name}`);
    }
  }
}

function checkCollection(add: (pointer: string, message: string) => void, name: string, spec: unknown): void {
  const s = objOf(spec);
  const schemaName = `${name}#/schema`;
  let shape: Shape | null = null;
  if (typeof s.schema !== 'string' && s.schema !== undefined) {
    const problems = schemaProblems(s.schema);
    for (const p of problems) add(`/schema${p.pointer}`, `the schema of ${name} ${p.message}`);
    if (problems.length === 0) shape = inferShape(s.schema);
  }
  if (shape) {
    if (shape.types !== T.OBJECT) {
      add('/schema', `collection ${name} schema must be an object`);
      shape = null; // Squelch further errors, as Flow does.
    } else {
      for (const [ptr, message] of inspectShape(shape))
        add(`/schema`, `${message} (at ${ptr || 'the root'})`);
    }
  }
  if (shape) {
    listOf(s.key).forEach((ptr, i) => {
      if (typeof ptr !== 'string') return;
      for (const m of locationProblems(shape, schemaName, ptr, true)) add(`/key/${i}`, m);
    });
    const canonical = new Map(knownLocations(shape).map((p) => [p.slice(1), p] as const));
    for (const [field, p] of projectionsOf(s)) {
      const at = `/projections/${esc(field)}`;
      if (p.partition && !/^[\p{L}\p{N}\-_.]+$/u.test(field)) {
        add(
          at,
          `${field} cannot be used as name for partition (${JSON.stringify(field.replace(/[\p{L}\p{N}\-_.]/gu, ''))} is invalid)`,
        );
      }
      const canonicalPtr = canonical.get(field);
      if (canonicalPtr !== undefined && canonicalPtr !== '' && canonicalPtr !== p.location) {
        add(
          at,
          `projection ${field} is the canonical field name of location ${canonicalPtr}, and cannot re-map it to ${p.location}`,
        );
      }
      for (const m of locationProblems(shape, schemaName, p.location, p.partition)) add(at, m);
    }
  }
  const derivation = objOf(s.derivation);
  if (s.derivation === undefined) return;
  const register = objOf(derivation.register).schema;
  if (register !== undefined && typeof register !== 'string') {
    for (const p of schemaProblems(register))
      add(`/derivation/register/schema${p.pointer}`, `the register schema of ${name} ${p.message}`);
  }
  let usesTypescript = false;
  for (const [t, transform] of Object.entries(objOf(derivation.transform))) {
    const tr = objOf(transform);
    const at = `/derivation/transform/${esc(t)}`;
    if (tr.update === undefined && tr.publish === undefined)
      add(at, `transform ${t} must set at least one of 'update' or 'publish' lambdas`);
    for (const lambda of [objOf(tr.update).lambda, objOf(tr.publish).lambda, objOf(tr.shuffle).lambda]) {
      if (lambda === 'typescript') usesTypescript = true;
    }
    const sourceSchema = objOf(tr.source).schema;
    if (sourceSchema !== undefined && typeof sourceSchema !== 'string') {
      for (const p of schemaProblems(sourceSchema))
        add(`${at}/source/schema${p.pointer}`, `the source schema of transform ${t} ${p.message}`);
    }
  }
  const hasModule = derivation.typescript !== undefined;
  if (usesTypescript && !hasModule)
    add('/derivation', 'derivation uses TypeScript lambdas but defines no TypeScript module');
  if (!usesTypescript && hasModule)
    add('/derivation/typescript', 'derivation defines a TypeScript module but uses no TypeScript lambdas');
}

/**
 * The types of a composite key's locations (Flow's `gather_key_types`), or null when a location may not exist
 * or is not key-able (already reported; its types are not compared).
 */
function keyTypes(shape: Shape, key: readonly unknown[]): number[] | null {
  const out: number[] = [];
  for (const ptr of key) {
    if (typeof ptr !== 'string') return null;
    const { shape: at, exists } = locate(shape, ptr);
    if (exists !== 'must' || (at.types & (T.OBJECT | T.ARRAY | T.FRACTIONAL | T.NULL)) !== T.INVALID)
      return null;
    out.push(at.types);
  }
  return out;
}

/**
 * A derivation's transforms must shuffle on keys of the same types (Flow's derivation.rs), when it is stateful or
 * asks for a shuffle: any transform with an `update` lambda or a `shuffle`. Compared in transform name order,
 * each with the next, as Flow's `tuple_windows`.
 */
function checkShuffleAlignment(
  add: (pointer: string, message: string) => void,
  spec: unknown,
  shuffleTypes: ReadonlyMap<string, number[]>,
): void {
  const transforms = objOf(objOf(objOf(spec).derivation).transform);
  const strict = Object.values(transforms).some(
    (t) => objOf(t).update !== undefined || objOf(t).shuffle !== undefined,
  );
  if (!strict) return;
  const format = (types: readonly number[]): string =>
    `[${types
      .map((t) =>
        typeNames(t)
          .map((n) => JSON.stringify(n))
          .join(' | '),
      )
      .join(', ')}]`;
  const known = [...shuffleTypes].sort(([a], [b]) => compareStrings(a, b));
  for (let i = 1; i < known.length; i++) {
    const [[lName, lTypes], [rName, rTypes]] = [known[i - 1]!, known[i]!];
    if (lTypes.length !== rTypes.length || lTypes.some((t, j) => t !== rTypes[j])) {
      add(
        `/derivation/transform/${esc(lName)}`,
        `transform ${lName} shuffled key types ${format(lTypes)} don't align with transform ${rName} types ${format(rTypes)}`,
      );
    }
  }
}

function dependentsList(visible: readonly Dependent[], hidden: number): string {
  const parts = visible.map(
    (d) => `${d.type} ${d.name} ${d.how === 'reads' ? 'reads from' : 'writes into'} it`,
  );
  if (hidden > 0) parts.push(`${hidden} spec(s) you may not read use it`);
  return parts.join(', ');
}

/** Every problem Flow's validation would find in a publication of these draft specs; empty when none. */
export function checkCatalog(draft: readonly DraftEntry[], ctx: CatalogContext): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  const inDraft = new Map(draft.map((d) => [d.name, d]));

  // What each name is once the publication applies: the draft wins over the live catalog.
  const collectionAfter = (name: string): CollectionInfo | 'deleted' | 'other' | undefined => {
    const d = inDraft.get(name);
    if (d) {
      if (d.type === null) return 'deleted';
      return d.type === 'collection' ? collectionInfo(name, d.spec) : 'other';
    }
    const l = ctx.live.get(name);
    if (!l) return undefined;
    return l.type === 'collection' ? collectionInfo(name, l.spec) : 'other';
  };
  const collectionNames = [
    ...new Set([
      ...draft.filter((d) => d.type === 'collection').map((d) => d.name),
      ...[...ctx.live.values()]
        .filter((l) => l.type === 'collection' && !inDraft.has(l.name))
        .map((l) => l.name),
      ...(ctx.knownCollections ?? []).filter((n) => inDraft.get(n)?.type !== null),
    ]),
  ];

  for (const d of draft) {
    const add = (pointer: string, message: string): void =>
      void issues.push({ catalogName: d.name, pointer, message });
    if (ctx.checkAuthorization && !atLeast(ctx.capability(d.name), 'admin')) {
      add(
        '',
        `User is not authorized to change ${d.name}: it needs the admin capability (it has ${ctx.capability(d.name) ?? 'none'})`,
      );
    }
    if (d.type === null) {
      const deps = ctx.dependents?.get(d.name);
      // Dependents the draft changes are judged by their own references (which may no longer use this name).
      const visible = (deps?.visible ?? []).filter((x) => !inDraft.has(x.name));
      const hidden = deps?.hidden ?? 0;
      if (visible.length > 0 || hidden > 0) {
        add(
          '',
          `Cannot delete ${d.name}: ${dependentsList(visible, hidden)}; delete them, or change them to no longer use it, in the same publication`,
        );
      }
      continue;
    }
    const isDerivation = d.type === 'collection' && isObj(d.spec) && d.spec.derivation !== undefined;
    for (const m of catalogNameProblems(d.name, d.type, isDerivation)) add('', m);
    if (d.type === 'collection') checkCollection(add, d.name, d.spec);

    // Each transform's shuffle key types, when known (Flow's `walk_transform` → `shuffle_types`).
    const shuffleTypes = new Map<string, number[]>();
    for (const ref of references(d)) {
      const capability = ctx.capability(ref.collection);
      if (!atLeast(capability, ref.need)) {
        add(
          ref.pointer,
          `collection ${ref.collection}, referenced by ${ref.thing}, is not ${ref.need === 'read' ? 'readable' : 'writable'} by you: it needs the ${ref.need} capability (you have ${capability ?? 'none'})`,
        );
        continue;
      }
      const target = collectionAfter(ref.collection);
      if (target === 'deleted') {
        add(
          ref.pointer,
          `collection ${ref.collection}, referenced by ${ref.thing}, is deleted by this publication`,
        );
        continue;
      }
      if (target === undefined || target === 'other') {
        const suggestion = collectionNames
          .filter((n) => n !== ref.collection)
          .map((n) => [osaDistance(ref.collection, n), n] as const)
          .filter(([dist]) => dist <= 4)
          .sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]))[0];
        const what =
          target === 'other'
            ? `${ref.collection}, referenced by ${ref.thing}, is not a collection`
            : `collection ${ref.collection}, referenced by ${ref.thing}, is not defined`;
        add(ref.pointer, suggestion ? `${what}; did you mean ${suggestion[1]}?` : what);
        continue;
      }
      if (ref.kind === 'captureTarget' && target.isDerivation) {
        add(ref.pointer, `cannot capture into derived collection ${ref.collection}`);
      }
      if (ref.partitions) checkSelector(add, ref.partitions.pointer, ref.partitions.selector, target);
      if (ref.kind === 'verify') {
        // Verified documents must come in the collection's key order (Flow's test_step.rs `TestVerifyOrder`).
        const step = ref.pointer.replace(/\/verify\/collection$/, '');
        const documents = listOf(objOf(objOf(valueAt(d.spec, step)).verify).documents);
        const key = listOf(target.spec.key).filter((k): k is string => typeof k === 'string');
        const unordered = documents.some((doc, i) => i > 0 && compareAtKey(key, documents[i - 1], doc) > 0);
        if (unordered) add(`${step}/verify/documents`, 'documents to verify are not in collection key order');
      }
      if (ref.kind === 'transformSource') {
        const transform = ref.thing.slice('transform '.length);
        const at = ref.pointer.replace(/\/source\/name$/, '');
        const tr = objOf(objOf(objOf(objOf(d.spec).derivation).transform)[transform]);
        const key = listOf(objOf(tr.shuffle).key);
        const sourceSchema = objOf(tr.source).schema;
        const shape = sourceSchema !== undefined ? shapeOf(sourceSchema) : target.shape;
        const schemaName =
          sourceSchema !== undefined
            ? `${d.name}${ref.pointer.replace(/\/name$/, '/schema')}`
            : `${target.name}#/schema`;
        if (shape) {
          key.forEach((ptr, i) => {
            if (typeof ptr !== 'string') return;
            for (const m of locationProblems(shape, schemaName, ptr, true)) add(`${at}/shuffle/key/${i}`, m);
          });
        }
        const sourceKey = listOf(target.spec.key);
        if (
          objOf(tr.shuffle).key !== undefined &&
          key.length === sourceKey.length &&
          key.every((k, i) => k === sourceKey[i])
        ) {
          add(
            `${at}/shuffle/key`,
            `transform ${transform} shuffle key is already the key of ${target.name} and should be omitted here`,
          );
        }
        // A shuffle lambda's key types are unknown here (Flow skips them too).
        if (objOf(tr.shuffle).lambda === undefined && shape) {
          const effective = objOf(tr.shuffle).key !== undefined ? key : sourceKey;
          const types = keyTypes(shape, effective);
          if (types) shuffleTypes.set(transform, types);
        }
      }
    }
    if (d.type === 'collection') checkShuffleAlignment(add, d.spec, shuffleTypes);
  }

  // Names that collide with or nest under another (Flow's `walk_duplicates`): `a/b` cannot sit beside `a/b/c`.
  const names: { name: string; type: string; inDraft: boolean }[] = [
    ...draft
      .filter((d) => d.type !== null)
      .map((d) => ({ name: d.name, type: d.type as string, inDraft: true })),
    ...[...ctx.live.values()]
      .filter((l) => !inDraft.has(l.name))
      .map((l) => ({ name: l.name, type: l.type, inDraft: false })),
  ];
  for (const a of names) {
    if (!a.inDraft) continue;
    for (const b of names) {
      if (a === b) continue;
      const [la, lb] = [a.name.toLowerCase(), b.name.toLowerCase()];
      if (la === lb)
        issues.push({
          catalogName: a.name,
          pointer: '',
          message: `${a.type} ${a.name} collides with ${b.type} ${b.name}`,
        });
      else if (lb.startsWith(`${la}/`))
        issues.push({
          catalogName: a.name,
          pointer: '',
          message: `${a.type} ${a.name} is a prohibited prefix of ${b.type} ${b.name}`,
        });
      else if (la.startsWith(`${lb}/`) && !b.inDraft)
        issues.push({
          catalogName: a.name,
          pointer: '',
          message: `${b.type} ${b.name} is a prohibited prefix of ${a.type} ${a.name}`,
        });
    }
  }
  return issues;
}
