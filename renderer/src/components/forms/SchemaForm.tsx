import Form, { type IChangeEvent } from '@rjsf/core';
import type { ErrorTransformer, RJSFSchema, UiSchema } from '@rjsf/utils';
import { useMemo } from 'react';

import type { Json } from '../../../../shared/control-plane-rows.js';
import { formValidator } from './schema-validator.js';
import { StableFieldErrors } from './StableFieldErrors.js';
import { connectorUiSchema, formSchema } from './ui-schema.js';
import './schema-form.css';

/** The core theme, with field errors that keep their place. */
const TEMPLATES = { FieldErrorTemplate: StableFieldErrors };

/** Form data of an object schema. */
export type FormObject = Record<string, Json>;

/**
 * A form generated from a JSON Schema (rjsf's core theme, styled by schema-form.css), validated (without
 * `eval`, see schema-validator.ts) as the user submits and after each field is left. Connector annotations are honoured: `secret` fields are
 * password inputs, `multiline` fields text areas, `order` sorts fields. `children` are the form's buttons
 * (a `type="submit"` one submits); `onSubmit` gets only data that passed validation.
 */
export function SchemaForm(props: {
  readonly schema: unknown;
  readonly formData: FormObject;
  readonly onChange: (data: FormObject) => void;
  readonly onSubmit: (data: FormObject) => void;
  readonly disabled?: boolean;
  /** Prefix of the inputs' ids, unique on the page. */
  readonly idPrefix: string;
  /** Extra hints, merged over those the schema implies. */
  readonly uiSchema?: UiSchema;
  /** Rewrites validation messages (e.g. a pattern's regular expression into words). */
  readonly transformErrors?: ErrorTransformer;
  readonly children: React.ReactNode;
  readonly testId?: string;
}): React.JSX.Element {
  const schema = useMemo<RJSFSchema>(() => formSchema(props.schema), [props.schema]);
  const extra = props.uiSchema;
  const uiSchema = useMemo<UiSchema>(
    () => ({ ...connectorUiSchema(props.schema), ...extra }),
    [props.schema, extra],
  );
  return (
    <div className="schema-form" data-testid={props.testId}>
      <Form
        schema={schema}
        uiSchema={uiSchema}
        validator={formValidator}
        templates={TEMPLATES}
        formData={props.formData}
        idPrefix={props.idPrefix}
        disabled={props.disabled ?? false}
        liveValidate="onBlur"
        showErrorList={false}
        noHtml5Validate
        focusOnFirstError
        {...(props.transformErrors ? { transformErrors: props.transformErrors } : {})}
        onChange={(e: IChangeEvent) => props.onChange(asObject(e.formData))}
        onSubmit={(e: IChangeEvent) => props.onSubmit(asObject(e.formData))}
      >
        {props.children}
      </Form>
    </div>
  );
}

/** The form's data: an object for an object schema (rjsf types it as `any`). */
function asObject(data: unknown): FormObject {
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as FormObject) : {};
}
