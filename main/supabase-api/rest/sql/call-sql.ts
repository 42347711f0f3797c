import { ApiError } from '../api-error.js';
import { closest } from '../plan/fuzzy.js';
import { qualifiedKey, type SchemaCache } from '../schema-cache/schema-cache.js';
import type { FunctionInfo } from '../schema-cache/schema-types.js';
import { ident, qualified, type SqlParams } from './sql-params.js';

/** `(a, b)`: argument names sorted, as PostgREST compares overloads in its hint. */
function paramList(names: readonly string[]): string {
  return `(${[...names].sort().join(', ')})`;
}

function notFound(cache: SchemaCache, schema: string, name: string, keys: readonly string[]): ApiError {
  const sig = keys.length > 0 ? `(${keys.join(', ')})` : ' without parameters';
  const params =
    keys.length > 0
      ? ` with parameter${keys.length > 1 ? 's' : ''} ${keys.join(', ')}`
      : ' without parameters';
  // PostgREST's noRpcHint: a function of a close name, or the closest argument list of the overloads.
  const overloads = cache.functions.get(qualifiedKey(schema, name)) ?? [];
  let perhaps: string | undefined;
  if (overloads.length === 0) {
    const names = [...cache.functions.values()]
      .flat()
      .filter((f) => f.schema === schema)
      .map((f) => f.name);
    perhaps = closest(names, name);
  } else {
    const lists = overloads.map((f) => paramList(f.args.map((a) => a.name)));
    const best = closest(lists, paramList(keys));
    perhaps = best !== undefined ? `${name}${best}` : undefined;
  }
  return new ApiError(
    404,
    'PGRST202',
    `Could not find the function ${schema}.${name}${sig} in the schema cache`,
    `Searched for the function ${schema}.${name}${params} or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`,
    perhaps !== undefined ? `Perhaps you meant to call the function ${schema}.${perhaps}` : null,
  );
}

function takesWholeBody(fn: FunctionInfo): boolean {
  const only = fn.args[0];
  return (
    fn.args.length === 1 && only !== undefined && only.name === '' && ['json', 'jsonb'].includes(only.type)
  );
}

/** The overload of `schema.name` that the argument names select (PGRST202 none, PGRST203 several). */
export function chooseFunction(
  cache: SchemaCache,
  schema: string,
  name: string,
  keys: readonly string[],
): FunctionInfo {
  const candidates = cache.functions.get(qualifiedKey(schema, name)) ?? [];
  const matches = candidates.filter(
    (fn) =>
      keys.every((k) => fn.args.some((a) => a.name === k)) &&
      fn.args.every((a) => a.hasDefault || keys.includes(a.name)),
  );
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new ApiError(
      300,
      'PGRST203',
      `Could not choose the best candidate function between: ${matches
        .map((f) => `${schema}.${name}(${f.args.map((a) => `${a.name} => ${a.type}`).join(', ')})`)
        .join(', ')}`,
      null,
      'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
    );
  }
  const whole = candidates.filter(takesWholeBody);
  if (whole.length === 1) return whole[0]!;
  throw notFound(cache, schema, name, keys);
}

/** The SQL of a call: an optional FROM item that expands the arguments, and the call expression. */
export interface CallSql {
  readonly argsFrom: string | null;
  readonly call: string;
}

/**
 * Builds the call with named-argument notation. The arguments travel as one JSON object parameter expanded
 * by json_to_record with the declared argument types, so values are never spliced into SQL.
 */
export function callSql(
  fn: FunctionInfo,
  args: Record<string, unknown>,
  rawBody: string | null,
  params: SqlParams,
): CallSql {
  const name = qualified(fn.schema, fn.name);
  if (takesWholeBody(fn) && !fn.args.some((a) => a.name !== '' && a.name in args)) {
    return {
      argsFrom: null,
      call: `${name}(${params.add(rawBody ?? JSON.stringify(args))}::${fn.args[0]!.type})`,
    };
  }
  const used = fn.args.filter((a) => Object.prototype.hasOwnProperty.call(args, a.name));
  if (used.length === 0) return { argsFrom: null, call: `${name}()` };
  const typed = used.map((a) => `${ident(a.name)} ${a.type}`).join(', ');
  const json = params.add(JSON.stringify(Object.fromEntries(used.map((a) => [a.name, args[a.name]]))));
  const named = used.map((a) => `${a.variadic ? 'VARIADIC ' : ''}${ident(a.name)} := _b.${ident(a.name)}`);
  return { argsFrom: `json_to_record(${json}::json) AS _b(${typed})`, call: `${name}(${named.join(', ')})` };
}
