import { errorId, type FieldErrorProps } from '@rjsf/utils';

/**
 * A field's errors in a line that is always there (for leaf fields): errors come and go as fields are left, and a
 * form that grew or shrank under the pointer would move the submit button away between press and release.
 */
export function StableFieldErrors(props: FieldErrorProps): React.JSX.Element | null {
  const errors = (props.errors ?? []).filter((e) => e !== '');
  const leaf = props.schema.type !== 'object' && props.schema.type !== 'array';
  if (!leaf && errors.length === 0) return null;
  return (
    <ul id={errorId(props.fieldPathId)} className="error-detail field-errors" aria-live="polite">
      {errors.map((error, i) => (
        <li key={i} className="text-danger">
          {error}
        </li>
      ))}
    </ul>
  );
}
