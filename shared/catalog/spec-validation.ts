// Validation of catalog specs against the shared JSON Schema (catalog-spec.schema.json), with one message per
// problem that says where it is in words ("capture.bindings[0].target") and as a JSON pointer (for the
// editor's underline and for draft_errors scopes). Used by the GUI as you type and by the agent on publish.
import type { ErrorObject } from 'ajv';

import type { CatalogSpecType } from '../control-plane-rows.js';
import * as validators from './catalog-validators.generated.js';
import { pointerOf, pointerTokens } from './json-pointer.js';

/** One problem of a spec: where (a JSON pointer into the spec) and what. */
export interface SpecIssue {
  readonly pointer: string;
  readonly message: string;
}

/** The spec types, in the order the GUI lists them. */
export const SPEC_TYPES: readonly CatalogSpecType[] = ['capture', 'collection', 'materialization', 'test'];

/** The problems of a spec of a type; an empty list means it is valid. */
export function validateSpec(type: CatalogSpecType, spec: unknown): SpecIssue[] {
  const validate = validators[type];
  if (validate(spec)) return [];
  return issuesOf(type, validate.errors ?? []);
}

/** A place in a spec in words: `capture`, `capture.bindings[0].target`, `test[1].verify`. */
export function describeLocation(type: CatalogSpecType, pointer: string): string {
  return pointerTokens(pointer).reduce(
    (where, token) =>
      /^\d+$/.test(token)
        ? `${where}[${token}]`
        : /^[A-Za-z_$][\w$]*$/.test(token)
          ? `${where}.${token}`
          : `${where}[${JSON.stringify(token)}]`,
    type as string,
  );
}

interface SchemaInfo {
  readonly title?: string;
  readonly properties?: Record<string, { readonly deprecated?: boolean }>;
  readonly maxProperties?: number;
}

/** A schema's `title` when it describes a value ("a JSON pointer such as …"), not when it names a type. */
function descriptiveTitle(schema: SchemaInfo | undefined): string | null {
  const title = schema?.title;
  return title && /^[a-z"{]/.test(title) ? title : null;
}

/** Objects that must have exactly one of their properties (endpoints, test steps): the kinds to list. */
function exactlyOneOf(schema: SchemaInfo | undefined): string[] | null {
  if (!schema?.properties || schema.maxProperties !== 1) return null;
  return Object.entries(schema.properties)
    .filter(([, p]) => !p.deprecated)
    .map(([name]) => name);
}

const ARTICLE_TYPES: Record<string, string> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  boolean: 'a boolean',
  integer: 'an integer',
  number: 'a number',
  null: 'null',
};

function listOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

function issuesOf(type: CatalogSpecType, errors: readonly ErrorObject[]): SpecIssue[] {
  // An object that must be exactly one kind (an endpoint, a test step) is reported once: what is inside a
  // wrong kind does not matter yet.
  const exactlyOnePaths = errors
    .filter(
      (e) =>
        (e.keyword === 'minProperties' || e.keyword === 'maxProperties') &&
        exactlyOneOf(e.parentSchema as SchemaInfo | undefined),
    )
    .map((e) => e.instancePath);
  const unknownFields = new Map<string, string[]>();
  const issues: SpecIssue[] = [];
  const add = (pointer: string, text: string): void => {
    const message = `${describeLocation(type, pointer)} ${text}`;
    if (!issues.some((i) => i.message === message)) issues.push({ pointer, message });
  };
  for (const e of errors) {
    const path = e.instancePath;
    if (exactlyOnePaths.some((p) => path.startsWith(`${p}/`))) continue;
    const schema = e.parentSchema as SchemaInfo | undefined;
    const title = descriptiveTitle(schema);
    const params = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'required':
        add(pointerOf([...pointerTokens(path), String(params.missingProperty)]), 'is required');
        break;
      case 'additionalProperties':
        unknownFields.set(path, [...(unknownFields.get(path) ?? []), String(params.additionalProperty)]);
        break;
      case 'minProperties':
      case 'maxProperties': {
        const kinds = exactlyOneOf(schema);
        if (kinds) add(path, `must have exactly one of ${kinds.join(', ')}`);
        else if (e.keyword === 'minProperties' && params.limit === 1) add(path, 'must not be empty');
        else add(path, e.message ?? 'has the wrong number of fields');
        break;
      }
      case 'type': {
        const types = ([] as string[]).concat(params.type as string | string[]);
        add(path, `must be ${title ?? listOr(types.map((t) => ARTICLE_TYPES[t] ?? t))}`);
        break;
      }
      case 'pattern':
        add(
          path,
          title ? `must be ${title}, not ${JSON.stringify(e.data)}` : `must match ${String(params.pattern)}`,
        );
        break;
      case 'format':
        add(path, `must be ${title ?? `a ${String(params.format)}`}, not ${JSON.stringify(e.data)}`);
        break;
      case 'minItems':
      case 'minLength':
        add(
          path,
          params.limit === 1 ? 'must not be empty' : `must have at least ${String(params.limit)} items`,
        );
        break;
      case 'enum':
        add(
          path,
          `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
        );
        break;
      case 'minimum':
        add(path, `must be at least ${String(params.limit)}`);
        break;
      default:
        add(path, e.message ?? `fails ${e.keyword}`);
    }
  }
  for (const [path, fields] of unknownFields) {
    const first = fields[0] ?? '';
    const message = `${describeLocation(type, path)} has unknown field(s) ${fields.map((f) => JSON.stringify(f)).join(', ')}`;
    issues.push({ pointer: pointerOf([...pointerTokens(path), first]), message });
  }
  return issues;
}
