// Parsing of draft specs by type (the 2022 catalog format: draft_specs.spec holds only the inner definition),
// and what the control plane needs from them: the collections a spec reads and writes, and its connector image.
// The shape is checked by the catalog JSON Schema shared with the GUI (shared/catalog), so a spec the editor
// accepts is one the agent accepts, with the same messages.
import { specErrorScope } from '../../../../shared/catalog/error-scope.js';
import { type SpecIssue, validateSpec } from '../../../../shared/catalog/spec-validation.js';
import type { DraftError } from './transition-checks.js';

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

/** A spec that does not match the catalog schema; the message lists every problem. */
export class SpecError extends Error {
  constructor(readonly issues: readonly SpecIssue[]) {
    super(issues.map((i) => i.message).join('; '));
  }
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
// After validation the shapes are known: these only read them.
const objOf = (v: unknown): Obj => (isObj(v) ? v : {});
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Splits `image:tag` at `@sha256:` or at the last `:` after the last `/` (a registry port is not a tag). */
export function splitImage(image: string): { name: string; tag: string } {
  const digest = image.indexOf('@sha256:');
  if (digest >= 0) return { name: image.slice(0, digest), tag: image.slice(digest) };
  const colon = image.lastIndexOf(':');
  if (colon > image.lastIndexOf('/')) return { name: image.slice(0, colon), tag: image.slice(colon) };
  return { name: image, tag: '' };
}

function connectorImage(endpoint: unknown): { name: string; tag: string } | null {
  const e = objOf(endpoint);
  const connector = e.connector ?? e.airbyteSource ?? e.flowSink;
  return connector === undefined ? null : splitImage(String(objOf(connector).image));
}

function sorted(names: readonly unknown[]): string[] {
  return [...new Set(names.map(String))].sort();
}

function parseCollection(s: unknown): ParsedSpec {
  const c = objOf(s);
  const partitions = Object.entries(objOf(c.projections))
    .filter(([, p]) => isObj(p) && p.partition === true)
    .map(([field]) => field);
  const transforms = Object.values(objOf(objOf(c.derivation).transform));
  return {
    type: 'collection',
    spec: s,
    readsFrom: sorted(transforms.map((t) => objOf(objOf(t).source).name)),
    writesTo: [],
    image: null,
    key: listOf(c.key).map(String),
    partitions: partitions.sort(),
    isDerivation: c.derivation !== undefined,
  };
}

function parseCapture(s: unknown): ParsedSpec {
  const c = objOf(s);
  return {
    type: 'capture',
    spec: s,
    readsFrom: [],
    writesTo: sorted(listOf(c.bindings).map((b) => objOf(b).target)),
    image: connectorImage(c.endpoint),
    isDerivation: false,
  };
}

function parseMaterialization(s: unknown): ParsedSpec {
  const m = objOf(s);
  return {
    type: 'materialization',
    spec: s,
    readsFrom: sorted(listOf(m.bindings).map((b) => objOf(b).source)),
    writesTo: [],
    image: connectorImage(m.endpoint),
    isDerivation: false,
  };
}

function parseTest(s: unknown): ParsedSpec {
  const steps = listOf(s).map(objOf);
  return {
    type: 'test',
    spec: s,
    readsFrom: sorted(steps.filter((st) => st.verify).map((st) => objOf(st.verify).collection)),
    writesTo: sorted(steps.filter((st) => st.ingest).map((st) => objOf(st.ingest).collection)),
    image: null,
    isDerivation: false,
  };
}

/**
 * Parses a spec of a type: validates it against the shared catalog schema (shared/catalog), then reads what
 * the publication needs. Throws a SpecError listing every problem of an invalid spec.
 */
export function parseSpec(type: SpecType, spec: unknown): ParsedSpec {
  const issues = validateSpec(type, spec);
  if (issues.length > 0) throw new SpecError(issues);
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

/**
 * The schema problems of a draft spec as draft_errors: one per problem, scoped to the place in the spec
 * (`<catalog name>#<JSON pointer>`), so the GUI shows each next to the spec and the line it is about.
 */
export function specDraftErrors(catalogName: string, type: SpecType, spec: unknown): DraftError[] {
  return validateSpec(type, spec).map((issue) => ({
    scope: specErrorScope(catalogName, issue.pointer),
    detail: `Invalid ${type} specification ${catalogName}: ${issue.message}`,
  }));
}

/** Whether a spec of this type runs as a task (and so needs a recovery-log storage mapping). */
export function isTask(parsed: ParsedSpec): boolean {
  return parsed.type === 'capture' || parsed.type === 'materialization' || parsed.isDerivation;
}
