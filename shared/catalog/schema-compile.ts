// Whether a JSON schema would compile: valid against its draft's meta-schema (2020-12, 2019-09 or draft-07; a
// schema without `$schema` passes if any of them accepts it, as Flow reads 2019-09 keywords such as tuple
// `items` next to 2020-12 ones), made only of keywords Flow's schema builder knows, with patterns that parse,
// and every local `$ref` names a schema of the same document. The meta-schema
// validators are generated ahead of time (scripts/generate-meta-schema-validators.ts), so this runs in the GUI
// as well as in the agent.
import type { ErrorObject } from 'ajv';

import type { GeneratedValidator } from './catalog-validators.generated.js';
import { pointerOf } from './json-pointer.js';
import * as meta from './meta-schema-validators.generated.js';
import { Resolver } from './schema-shape.js';

/** One problem of a schema: where inside the schema (a JSON pointer) and what. */
export interface SchemaProblem {
  readonly pointer: string;
  readonly message: string;
}

const DRAFTS: readonly {
  readonly name: string;
  readonly ids: readonly string[];
  readonly validate: GeneratedValidator;
}[] = [
  { name: 'draft 2020-12', ids: ['json-schema.org/draft/2020-12/schema'], validate: meta.draft2020 },
  { name: 'draft 2019-09', ids: ['json-schema.org/draft/2019-09/schema'], validate: meta.draft2019 },
  {
    name: 'draft-07',
    // Draft-06 and draft-04 schemas are read as draft-07, their closest successor that Flow reads.
    ids: [
      'json-schema.org/draft-07/schema',
      'json-schema.org/draft-06/schema',
      'json-schema.org/draft-04/schema',
    ],
    validate: meta.draft7,
  },
];

function draftOf(schema: unknown): (typeof DRAFTS)[number] | null {
  const declared =
    typeof schema === 'object' && schema !== null ? (schema as { $schema?: unknown }).$schema : undefined;
  if (typeof declared !== 'string') return null;
  const id = declared.replace(/^https?:\/\//, '').replace(/#$/, '');
  return DRAFTS.find((d) => d.ids.includes(id)) ?? null;
}

function describe(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `must be ${String(params.type).replace(',', ' or ')}`;
    case 'additionalProperties':
      return `must not have the property ${JSON.stringify(params.additionalProperty)}`;
    default:
      return e.message ?? `fails ${e.keyword}`;
  }
}

function metaProblems(schema: unknown, draft: (typeof DRAFTS)[number]): SchemaProblem[] {
  if (draft.validate(schema)) return [];
  const byPath = new Map<string, ErrorObject>();
  for (const e of draft.validate.errors ?? []) {
    // Alternatives (`type: "x" | ["x", ...]`) fail as a group: keep the first, most telling error per place.
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') continue;
    if (!byPath.has(e.instancePath)) byPath.set(e.instancePath, e);
  }
  return [...byPath].map(([path, e]) => ({
    pointer: path,
    message: `is not a valid JSON schema (${draft.name}): ${path === '' ? 'the schema' : path} ${describe(e)}`,
  }));
}

const NOT_SCHEMAS = new Set(['const', 'enum', 'default', 'examples', 'properties', 'patternProperties']);

/** Every `$ref` of a schema with its place, skipping data (`const`, `default`, ...). */
function refsOf(node: unknown, tokens: string[], out: [string, string][], depth = 0): void {
  if (depth > 64) return;
  if (Array.isArray(node)) {
    node.forEach((n, i) => refsOf(n, [...tokens, String(i)], out, depth + 1));
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === '$ref' && typeof v === 'string') out.push([pointerOf([...tokens, k]), v]);
    else if (k === 'properties' || k === 'patternProperties' || k === '$defs' || k === 'definitions') {
      // Maps of names to schemas: their keys are names, not keywords.
      if (typeof v === 'object' && v !== null)
        for (const [name, sub] of Object.entries(v as Record<string, unknown>))
          refsOf(sub, [...tokens, k, name], out, depth + 1);
    } else if (!NOT_SCHEMAS.has(k)) refsOf(v, [...tokens, k], out, depth + 1);
  }
}

// The keywords Flow's schema builder knows (crates/json `schema/build.rs` `process_keyword`, and the annotations
// of crates/doc `annotation.rs`): any other keyword fails the build with "unexpected keyword". Flow's builder is
// 2019-09 at heart: 2020-12's `prefixItems` and `$dynamicRef`, or draft-07's `dependencies`, are unknown to it.
// The union of the 2022 and later builders, so that nothing either accepts is refused here.
const FLOW_KEYWORDS = new Set([
  // Core and meta.
  '$id', '$schema', '$vocabulary', '$comment', '$anchor', '$recursiveAnchor', '$ref', '$recursiveRef',
  '$defs', 'definitions',
  // Applicators.
  'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependentSchemas', 'propertyNames', 'properties',
  'patternProperties', 'additionalProperties', 'unevaluatedProperties', 'contains', 'items', 'additionalItems',
  'unevaluatedItems',
  // Validations.
  'type', 'const', 'enum', 'maxLength', 'minLength', 'pattern', 'multipleOf', 'maximum', 'exclusiveMaximum',
  'minimum', 'exclusiveMinimum', 'maxItems', 'minItems', 'uniqueItems', 'maxContains', 'minContains',
  'maxProperties', 'minProperties', 'required', 'dependentRequired',
  // Annotations: JSON Schema's, then Flow's own.
  'format', 'contentEncoding', 'contentMediaType', 'default', 'deprecated', 'description', 'examples', 'readOnly',
  'title', 'writeOnly', 'reduce', 'redact', 'secret', 'airbyte_secret', 'multiline', 'advanced', 'order',
  'discriminator',
]); // prettier-ignore

/** Keywords whose value is a map of names to schemas. */
const SCHEMA_MAPS = new Set(['$defs', 'definitions', 'properties', 'patternProperties', 'dependentSchemas']);
/** Keywords whose value is one schema. */
const SCHEMA_ONE = new Set([
  'not', 'if', 'then', 'else', 'propertyNames', 'additionalProperties', 'unevaluatedProperties', 'contains',
  'additionalItems', 'unevaluatedItems',
]); // prettier-ignore

/** A regex Flow compiles (Rust's `regex`), read as JavaScript does without `u`, the more forgiving reading. */
function regexProblem(source: string): string | null {
  try {
    new RegExp(source);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * What Flow's schema builder refuses beyond the meta-schema: keywords it does not know (`x-` extensions are
 * annotations to it), patterns that are not regexes, and a `contentEncoding` other than base64.
 */
function builderProblems(node: unknown, tokens: string[], out: SchemaProblem[], depth = 0): void {
  if (depth > 64 || typeof node !== 'object' || node === null || Array.isArray(node)) return;
  const at = (k: string, ...more: string[]): string => pointerOf([...tokens, k, ...more]);
  const where = (ptr: string): string => (ptr === '' ? 'the root' : ptr);
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (!FLOW_KEYWORDS.has(k) && !k.startsWith('x-') && !k.startsWith('X-')) {
      out.push({
        pointer: at(k),
        message: `is refused by Flow: unexpected keyword ${JSON.stringify(k)} (at ${where(pointerOf(tokens))})`,
      });
      continue;
    }
    if (k === 'pattern' && typeof v === 'string') {
      const problem = regexProblem(v);
      if (problem)
        out.push({ pointer: at(k), message: `is refused by Flow: failed to parse regex: ${problem}` });
    } else if (k === 'contentEncoding' && v !== 'base64') {
      out.push({
        pointer: at(k),
        message: `is refused by Flow: invalid contentEncoding (expected 'base64')`,
      });
    } else if (SCHEMA_MAPS.has(k) && typeof v === 'object' && v !== null && !Array.isArray(v)) {
      for (const [name, sub] of Object.entries(v as Record<string, unknown>)) {
        if (k === 'patternProperties') {
          const problem = regexProblem(name);
          if (problem)
            out.push({
              pointer: at(k, name),
              message: `is refused by Flow: failed to parse regex: ${problem}`,
            });
        }
        builderProblems(sub, [...tokens, k, name], out, depth + 1);
      }
    } else if (SCHEMA_ONE.has(k)) {
      builderProblems(v, [...tokens, k], out, depth + 1);
    } else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf' || k === 'items') {
      if (Array.isArray(v))
        v.forEach((sub, i) => builderProblems(sub, [...tokens, k, String(i)], out, depth + 1));
      else if (k === 'items') builderProblems(v, [...tokens, k], out, depth + 1);
    }
  }
}

/** The problems that keep a schema from compiling; empty when it compiles. URLs (string schemas) are not read. */
export function schemaProblems(schema: unknown): SchemaProblem[] {
  if (typeof schema === 'string') return [];
  if (
    typeof schema !== 'boolean' &&
    (typeof schema !== 'object' || schema === null || Array.isArray(schema))
  ) {
    return [{ pointer: '', message: 'is not a valid JSON schema: a schema is an object or a boolean' }];
  }
  const declared = draftOf(schema);
  let problems: SchemaProblem[];
  if (declared) problems = metaProblems(schema, declared);
  else {
    const each = DRAFTS.map((d) => metaProblems(schema, d));
    problems = each.some((p) => p.length === 0) ? [] : (each[0] ?? []);
  }
  builderProblems(schema, [], problems);
  const refs: [string, string][] = [];
  refsOf(schema, [], refs);
  const resolver = new Resolver(schema);
  // Under an absolute `$id`, a relative reference names another document at that base, which Flow fetches.
  const absoluteBase =
    typeof schema === 'object' && typeof (schema as { $id?: unknown }).$id === 'string'
      ? /^[a-z][a-z0-9+.-]*:/i.test((schema as { $id: string }).$id)
      : false;
  for (const [pointer, ref] of refs) {
    // Other documents, which Flow fetches: only references within this document are checked.
    const external = /^[a-z][a-z0-9+.-]*:/i.test(ref) || (absoluteBase && !ref.startsWith('#'));
    if (external && resolver.resolve(ref) === undefined) continue;
    if (resolver.resolve(ref) === undefined) {
      problems.push({
        pointer,
        message: `$ref ${JSON.stringify(ref)} does not name a schema in this document`,
      });
    }
  }
  return problems;
}
