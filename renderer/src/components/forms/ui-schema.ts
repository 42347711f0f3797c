import type { RJSFSchema, UiSchema } from '@rjsf/utils';

type SchemaObject = Record<string, unknown>;

function isObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for a field connectors mark as secret (`secret: true`, or Airbyte's `airbyte_secret: true`). */
export function isSecret(schema: SchemaObject): boolean {
  return schema.secret === true || schema.airbyte_secret === true;
}

/**
 * The uiSchema a connector's endpoint schema implies: secrets as password inputs, `multiline` strings as
 * text areas, and properties in their `order` (Airbyte-style annotations that JSON Schema itself ignores).
 * Walks properties, array items and the branches of oneOf/anyOf/allOf.
 */
export function connectorUiSchema(schema: unknown): UiSchema {
  if (!isObject(schema)) return {};
  const ui: Record<string, unknown> = {};
  if (schema.type === 'string' || schema.type === undefined) {
    if (isSecret(schema)) ui['ui:widget'] = 'password';
    else if (schema.multiline === true) ui['ui:widget'] = 'textarea';
  }
  const properties = schema.properties;
  if (isObject(properties)) {
    const ordered = Object.entries(properties)
      .filter(([, p]) => isObject(p) && typeof p.order === 'number')
      .sort(([, a], [, b]) => ((a as SchemaObject).order as number) - ((b as SchemaObject).order as number))
      .map(([name]) => name);
    if (ordered.length > 0) ui['ui:order'] = [...ordered, '*'];
    for (const [name, property] of Object.entries(properties)) {
      const child = connectorUiSchema(property);
      if (Object.keys(child).length > 0) ui[name] = child;
    }
  }
  if (isObject(schema.items)) {
    const items = connectorUiSchema(schema.items);
    if (Object.keys(items).length > 0) ui.items = items;
  }
  // rjsf applies one uiSchema to every branch of a oneOf/anyOf: merge the branches' field hints.
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
    const branches = schema[key];
    if (!Array.isArray(branches)) continue;
    for (const branch of branches) {
      for (const [name, value] of Object.entries(connectorUiSchema(branch))) {
        if (name !== 'ui:order' && !(name in ui)) ui[name] = value;
      }
    }
  }
  return ui as UiSchema;
}

/**
 * The schema as the form library validates it: without `$schema`, because connector schemas name drafts
 * (2019-09, 2020-12) the form's validator does not load, while their keywords are ones it understands.
 */
export function formSchema(schema: unknown): RJSFSchema {
  if (!isObject(schema)) return { type: 'object' };
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}
