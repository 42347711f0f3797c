import type { ErrorTransformer, RJSFSchema } from '@rjsf/utils';

/** One catalog name component: what `betaOnboard` accepts as a tenant name. */
const COMPONENT_PATTERN = '^[\\p{L}\\p{N}\\-_.]+$';
/** A catalog prefix ending in `/`. */
const PREFIX_PATTERN = '^([\\p{L}\\p{N}\\-_.]+/)+$';

/**
 * The claims form of a directive type, as the agent's handlers read claims (agent/src/handlers/directives):
 * unknown fields are refused there, so the forms allow none. Unknown types get a free key/value form.
 */
export function claimsSchema(
  spec: { readonly type: string } & Readonly<Record<string, unknown>>,
): RJSFSchema {
  switch (spec.type) {
    case 'betaOnboard':
      return {
        type: 'object',
        required: ['requestedTenant'],
        additionalProperties: false,
        properties: {
          requestedTenant: {
            type: 'string',
            title: 'Tenant name',
            description: 'Your new tenant, e.g. acmeCo: your catalog will live under acmeCo/.',
            pattern: COMPONENT_PATTERN,
          },
        },
      };
    case 'clickToAccept':
      return {
        type: 'object',
        required: ['version'],
        additionalProperties: false,
        properties: {
          version: {
            type: 'string',
            title: 'Version you accept',
            description: 'The version of the terms you accept, e.g. v1.',
            minLength: 1,
          },
        },
      };
    case 'grant': {
      const granted = typeof spec.grantedPrefix === 'string' ? spec.grantedPrefix : '';
      return {
        type: 'object',
        additionalProperties: false,
        properties: {
          requestedPrefix: {
            type: 'string',
            title: 'Requested prefix (optional)',
            description: `Leave empty for ${granted || 'the granted prefix'}, or name a prefix within it.`,
            pattern: PREFIX_PATTERN,
          },
        },
      };
    }
    default:
      return {
        type: 'object',
        title: `Claims of a ${spec.type} directive`,
        additionalProperties: { type: 'string' },
      };
  }
}

/** Pattern errors in words instead of regular expressions. */
export const claimsErrors: ErrorTransformer = (errors) =>
  errors.map((error) => {
    if (error.name !== 'pattern') return error;
    const message =
      error.params && (error.params as { pattern?: string }).pattern === COMPONENT_PATTERN
        ? 'must be one name: letters, digits, "-", "_" and "." (no "/")'
        : 'must be a prefix ending in "/", e.g. acmeCo/shared/';
    return { ...error, message, stack: `${error.property ?? ''} ${message}`.trim() };
  });

/** A directive's spec in a few words: its type and, for grants, what it grants. */
export function describeSpec(spec: { readonly type: string } & Readonly<Record<string, unknown>>): string {
  if (spec.type === 'grant') return `grant ${String(spec.capability)} on ${String(spec.grantedPrefix)}`;
  return spec.type;
}
