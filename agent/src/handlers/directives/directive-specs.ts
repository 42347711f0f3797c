// Parsing of directive specs and user claims. Like the original's serde `deny_unknown_fields`, unknown fields
// are errors on both.

/** A catalog prefix: components of letters, digits, `-`, `_`, `.`, each followed by `/`. */
export const PREFIX_RE = /^([\p{L}\p{N}\-_.]+\/)+$/u;
/** One catalog name component (a tenant name without its slash). */
export const COMPONENT_RE = /^[\p{L}\p{N}\-_.]+$/u;

/** A directive's spec, by type. */
export type DirectiveSpec =
  | { readonly type: 'clickToAccept' }
  | { readonly type: 'betaOnboard' }
  | {
      readonly type: 'grant';
      readonly grantedPrefix: string;
      readonly capability: 'read' | 'write' | 'admin';
    };

/** A parse failure, to be reported as invalidDirective or invalidClaims. */
export class InvalidError extends Error {}

type Obj = Record<string, unknown>;

/** Checks that a value is an object with only the allowed keys. */
export function strictObject(value: unknown, allowed: readonly string[], what: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidError(`${what} must be a JSON object`);
  const unknown = Object.keys(value).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new InvalidError(`${what} has unknown field(s): ${unknown.join(', ')}`);
  return value as Obj;
}

/** Parses a directive's spec. */
export function parseDirectiveSpec(spec: unknown): DirectiveSpec {
  const type = (spec as { type?: unknown } | null)?.type;
  switch (type) {
    case 'clickToAccept':
    case 'betaOnboard':
      strictObject(spec, ['type'], `the ${type} directive`);
      return { type };
    case 'grant': {
      const o = strictObject(spec, ['type', 'grantedPrefix', 'capability'], 'the grant directive');
      if (typeof o.grantedPrefix !== 'string' || !PREFIX_RE.test(o.grantedPrefix)) {
        throw new InvalidError(
          `grantedPrefix must be a catalog prefix ending in "/", not ${JSON.stringify(o.grantedPrefix)}`,
        );
      }
      if (o.capability !== 'read' && o.capability !== 'write' && o.capability !== 'admin') {
        throw new InvalidError(
          `capability must be read, write or admin, not ${JSON.stringify(o.capability)}`,
        );
      }
      return { type, grantedPrefix: o.grantedPrefix, capability: o.capability };
    }
    default:
      throw new InvalidError(`unknown directive type ${JSON.stringify(type)}`);
  }
}
