// Which parts of a connector config are secret: the places its endpoint schema annotates with `secret: true`
// (Flow) or `airbyte_secret: true` (Airbyte), found as Flow's validator finds annotations, i.e. only through
// subschemas that apply to the config (the matching `oneOf`/`anyOf` branch, `then` or `else` by `if`, ...).
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** The outcome: the secret locations (JSON pointers), or why the config does not fit its schema. */
export type SecretLocations =
  | { readonly valid: true; readonly pointers: readonly string[] }
  | { readonly valid: false; readonly errors: readonly string[] };

type Schema = Record<string, unknown>;

const ROOT_ID = 'request://schema';
/** Deeper than any real config; stops schemas that recurse through $ref. */
const MAX_DEPTH = 64;

/** Validates a config against its endpoint schema and lists the locations of its secret values. */
export function secretLocations(schema: unknown, config: unknown): SecretLocations {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new Error('the endpoint schema is not a JSON object');
  }
  const root = schema as Schema;
  const ajv = ajvFor(root);
  const rootId = typeof root.$id === 'string' ? root.$id.replace(/#$/, '') : ROOT_ID;
  ajv.addSchema(root.$id === undefined ? { ...root, $id: ROOT_ID } : root);
  const validate = ajv.getSchema(rootId);
  if (!validate) throw new Error('the endpoint schema could not be compiled');
  if (!validate(config)) {
    // Messages name places and rules, never values: the values may be secrets.
    const errors = (validate.errors ?? []).map(
      (e) => `${e.instancePath === '' ? '(config)' : e.instancePath} ${e.message ?? 'is invalid'}`,
    );
    return { valid: false, errors: [...new Set(errors)] };
  }
  const validators = new Map<string, ValidateFunction>();
  const validAt = (schemaPointer: string, instance: unknown): boolean => {
    let fn = validators.get(schemaPointer);
    if (!fn) {
      fn = ajv.getSchema(`${rootId}#${fragment(schemaPointer)}`) as ValidateFunction | undefined;
      if (!fn) throw new Error(`the endpoint schema has no subschema at ${schemaPointer}`);
      validators.set(schemaPointer, fn);
    }
    return fn(instance) === true;
  };
  const found = new Set<string>();
  const visit = (schemaPointer: string, instance: unknown, instancePointer: string, depth: number): void => {
    if (depth > MAX_DEPTH) throw new Error('the endpoint schema nests deeper than a config can');
    const s = schemaAt(root, schemaPointer);
    if (!isObject(s)) return;
    const at = (suffix: string): string => `${schemaPointer}${suffix}`;
    const next = depth + 1;
    if (s.secret === true || s.airbyte_secret === true) found.add(instancePointer);
    if (typeof s.$ref === 'string') visit(refPointer(s.$ref, rootId), instance, instancePointer, next);
    each(s.allOf, (i) => visit(at(`/allOf/${i}`), instance, instancePointer, next));
    for (const keyword of ['anyOf', 'oneOf']) {
      each(s[keyword], (i) => {
        if (validAt(at(`/${keyword}/${i}`), instance))
          visit(at(`/${keyword}/${i}`), instance, instancePointer, next);
      });
    }
    if (s.if !== undefined) {
      const branch = validAt(at('/if'), instance) ? 'then' : 'else';
      if (s[branch] !== undefined) visit(at(`/${branch}`), instance, instancePointer, next);
    }
    if (isObject(instance)) {
      const properties = isObject(s.properties) ? s.properties : {};
      const patterns = isObject(s.patternProperties) ? Object.keys(s.patternProperties) : [];
      const dependent = isObject(s.dependentSchemas)
        ? s.dependentSchemas
        : isObject(s.dependencies)
          ? s.dependencies
          : {};
      const dependentKeyword = isObject(s.dependentSchemas) ? 'dependentSchemas' : 'dependencies';
      for (const [key, value] of Object.entries(instance)) {
        const child = `${instancePointer}/${escape(key)}`;
        let matched = false;
        if (key in properties) {
          matched = true;
          visit(at(`/properties/${escape(key)}`), value, child, next);
        }
        for (const pattern of patterns) {
          if (new RegExp(pattern, 'u').test(key)) {
            matched = true;
            visit(at(`/patternProperties/${escape(pattern)}`), value, child, next);
          }
        }
        if (!matched && isObject(s.additionalProperties))
          visit(at('/additionalProperties'), value, child, next);
        if (isObject(dependent[key]))
          visit(at(`/${dependentKeyword}/${escape(key)}`), instance, instancePointer, next);
      }
    }
    if (Array.isArray(instance)) {
      const prefix = Array.isArray(s.prefixItems) ? 'prefixItems' : Array.isArray(s.items) ? 'items' : null;
      const prefixLength = prefix ? (s[prefix] as unknown[]).length : 0;
      instance.forEach((item, i) => {
        const child = `${instancePointer}/${i}`;
        if (prefix && i < prefixLength) visit(at(`/${prefix}/${i}`), item, child, next);
        else if (prefix === 'items' && s.additionalItems !== undefined)
          visit(at('/additionalItems'), item, child, next);
        else if (prefix !== 'items' && s.items !== undefined && !Array.isArray(s.items)) {
          visit(at('/items'), item, child, next);
        }
      });
    }
  };
  visit('', config, '', 0);
  return { valid: true, pointers: [...found] };
}

/** ajv-formats' plugin: its CommonJS default export, seen as `.default` or as the module by different loaders. */
const formatsPlugin = ((addFormats as unknown as { default?: unknown }).default ?? addFormats) as (
  ajv: Ajv,
) => Ajv;

/** An Ajv for the schema's draft: 2020-12 and 2019-09 by `$schema`, else draft-07 (older drafts mostly fit). */
function ajvFor(schema: Schema): Ajv {
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  const options = {
    strict: false,
    allErrors: true,
    validateSchema: false,
    allowUnionTypes: true,
    logger: false as const,
  };
  const ajv = dialect.includes('2020-12')
    ? new Ajv2020(options)
    : dialect.includes('2019-09')
      ? new Ajv2019(options)
      : new Ajv(options);
  formatsPlugin(ajv);
  return ajv;
}

function schemaAt(root: Schema, pointer: string): unknown {
  let node: unknown = root;
  for (const token of tokens(pointer)) {
    if (Array.isArray(node)) node = node[Number(token)] as unknown;
    else if (isObject(node)) node = node[token];
    else return undefined;
  }
  return node;
}

/** The pointer of a `$ref` into the same schema document (`#/definitions/x`, `#`); others are not followed. */
function refPointer(ref: string, rootId: string): string {
  const local = ref.startsWith(rootId) ? ref.slice(rootId.length) : ref;
  if (local === '#' || local === '') return '';
  if (local.startsWith('#/')) return decodeURIComponent(local.slice(1));
  throw new Error(`the endpoint schema uses $ref "${ref}", which points outside the schema`);
}

function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function escape(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** A JSON pointer as a URI fragment (each token percent-encoded). */
function fragment(pointer: string): string {
  if (pointer === '') return '';
  return `/${pointer.slice(1).split('/').map(encodeURIComponent).join('/')}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function each(list: unknown, fn: (index: number) => void): void {
  if (Array.isArray(list)) list.forEach((_, i) => fn(i));
}
