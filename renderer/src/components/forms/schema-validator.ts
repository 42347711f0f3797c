import {
  createErrorHandler,
  type CustomValidator,
  type ErrorTransformer,
  getDefaultFormState,
  type RJSFSchema,
  type RJSFValidationError,
  toErrorSchema,
  type UiSchema,
  unwrapErrorHandler,
  type ValidationData,
  validationDataMerge,
  type ValidatorType,
} from '@rjsf/utils';
import { Draft07, type JsonError, type JsonSchema } from 'json-schema-library';

// Why not @rjsf/validator-ajv8: Ajv compiles every schema into a function with `new Function`, which the GUI's
// Content-Security-Policy forbids (no 'unsafe-eval'; catalog specs use validators compiled at build time, but
// a connector's endpoint schema is only known at run time). json-schema-library interprets schemas instead.

type FormData = Record<string, unknown> | undefined;

/** How each kind of problem reads under its field, and its Ajv keyword (rjsf and transformErrors use those). */
const KINDS: Readonly<Record<string, { keyword: string; message: (d: Record<string, unknown>) => string }>> =
  {
    'required-property-error': { keyword: 'required', message: () => 'is required' },
    'value-not-empty-error': { keyword: 'required', message: () => 'is required' },
    'min-length-error': {
      keyword: 'minLength',
      message: (d) => `must have at least ${String(d.minLength)} characters`,
    },
    'min-length-one-error': { keyword: 'minLength', message: () => 'must not be empty' },
    'max-length-error': {
      keyword: 'maxLength',
      message: (d) => `must have at most ${String(d.maxLength)} characters`,
    },
    'minimum-error': { keyword: 'minimum', message: (d) => `must be at least ${String(d.minimum)}` },
    'maximum-error': { keyword: 'maximum', message: (d) => `must be at most ${String(d.maximum)}` },
    'type-error': { keyword: 'type', message: (d) => `must be of type ${String(d.expected)}` },
    'pattern-error': { keyword: 'pattern', message: (d) => `must match the pattern ${String(d.pattern)}` },
    'enum-error': { keyword: 'enum', message: (d) => `must be one of ${String(d.values)}` },
    'const-error': { keyword: 'const', message: (d) => `must be ${JSON.stringify(d.expected)}` },
    'one-of-error': { keyword: 'oneOf', message: () => 'must match exactly one of the options' },
    'any-of-error': { keyword: 'anyOf', message: () => 'must match one of the options' },
    'multiple-of-error': {
      keyword: 'multipleOf',
      message: (d) => `must be a multiple of ${String(d.multipleOf)}`,
    },
    'min-items-error': {
      keyword: 'minItems',
      message: (d) => `must have at least ${String(d.minItems)} items`,
    },
    'max-items-error': {
      keyword: 'maxItems',
      message: (d) => `must have at most ${String(d.maximum)} items`,
    },
    'unique-items-error': { keyword: 'uniqueItems', message: () => 'must not contain duplicates' },
    'no-additional-properties-error': {
      keyword: 'additionalProperties',
      message: (d) => `must not have the property ${String(d.property)}`,
    },
  };

/** A JSON pointer (`#/a/b`) as rjsf's property path (`.a.b`). */
function propertyPath(pointer: string): string {
  return pointer
    .replace(/^#/, '')
    .split('/')
    .filter((t) => t !== '')
    .map((t) => `.${t.replace(/~1/g, '/').replace(/~0/g, '~')}`)
    .join('');
}

/** An error of json-schema-library as rjsf expects it (as rjsf's Ajv validator would have reported it). */
export function toRjsfError(error: JsonError): RJSFValidationError {
  const data = error.data as Record<string, unknown> & { pointer: string };
  let property = propertyPath(data.pointer);
  // Problems of a missing property belong to that property's field, as Ajv's `missingProperty` does.
  if (error.code === 'required-property-error') property = `${property}.${String(data.key)}`;
  if (error.code === 'value-not-empty-error') property = propertyPath(data.pointer);
  const format = /^format-(.+)-error$/.exec(error.code);
  const kind = KINDS[error.code];
  const keyword = kind?.keyword ?? (format ? 'format' : error.name);
  const message = kind
    ? kind.message(data)
    : format
      ? `must be a valid ${format[1] ?? 'value'}`
      : error.message;
  const params =
    keyword === 'pattern' ? { pattern: (data.schema as { pattern?: string } | undefined)?.pattern } : {};
  return { name: keyword, property, message, params, stack: `${property} ${message}`.trim() };
}

/** A schema with the root's definitions, so that its `#/definitions/...` references resolve. */
function withRootDefinitions(schema: RJSFSchema, rootSchema: RJSFSchema | undefined): JsonSchema {
  if (!rootSchema || rootSchema === schema) return schema;
  return {
    ...schema,
    definitions: { ...rootSchema.definitions, ...schema.definitions },
    $defs: { ...rootSchema.$defs, ...schema.$defs },
  };
}

/**
 * rjsf's validator interface on json-schema-library (draft-07 keywords; later drafts' schemas mostly use the
 * same ones). Errors are reported like rjsf's Ajv validator reports them, so rjsf's error display and
 * `transformErrors` work unchanged.
 */
export class InterpretingValidator implements ValidatorType {
  private readonly drafts = new WeakMap<object, WeakMap<object, Draft07>>();

  private draftFor(schema: RJSFSchema, rootSchema?: RJSFSchema): Draft07 {
    const root = rootSchema ?? schema;
    let byRoot = this.drafts.get(schema);
    if (!byRoot) {
      byRoot = new WeakMap();
      this.drafts.set(schema, byRoot);
    }
    let draft = byRoot.get(root);
    if (!draft) {
      draft = new Draft07(withRootDefinitions(schema, rootSchema));
      byRoot.set(root, draft);
    }
    return draft;
  }

  /** Validates data against a schema; a schema the library cannot use is reported as `validationError`. */
  rawValidation<Result = JsonError>(
    schema: RJSFSchema,
    formData?: FormData,
  ): { errors?: Result[]; validationError?: Error } {
    try {
      return { errors: this.draftFor(schema).validate(formData) as Result[] };
    } catch (e) {
      return { validationError: e instanceof Error ? e : new Error(String(e)) };
    }
  }

  /** The form's errors as a list and per field, after `transformErrors` and `customValidate`. */
  validateFormData(
    formData: FormData,
    schema: RJSFSchema,
    customValidate?: CustomValidator,
    transformErrors?: ErrorTransformer,
    uiSchema?: UiSchema,
  ): ValidationData<FormData> {
    const raw = this.rawValidation<JsonError>(schema, formData);
    let errors = (raw.errors ?? []).map(toRjsfError);
    if (raw.validationError)
      errors.push({ stack: `The schema cannot be used: ${raw.validationError.message}` });
    if (transformErrors) errors = transformErrors(errors, uiSchema);
    const errorSchema = toErrorSchema<FormData>(errors);
    if (!customValidate) return { errors, errorSchema };
    // Custom validation sees undefined fields too (as with rjsf's own validators).
    const newFormData = getDefaultFormState<FormData>(this, schema, formData, schema, true) as FormData;
    const handler = customValidate(newFormData, createErrorHandler(newFormData), uiSchema, errorSchema);
    return validationDataMerge<FormData>({ errors, errorSchema }, unwrapErrorHandler<FormData>(handler));
  }

  /** True when the data is valid against the schema (rjsf picks oneOf/anyOf options and if/then with it). */
  isValid(schema: RJSFSchema, formData: FormData, rootSchema: RJSFSchema): boolean {
    try {
      return this.draftFor(schema, rootSchema).isValid(formData);
    } catch {
      return false;
    }
  }
}

/** The GUI's form validator. */
export const formValidator = new InterpretingValidator();
