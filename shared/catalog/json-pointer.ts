// JSON pointers (RFC 6901), as validation errors and draft_errors scopes name places inside a spec.

/** The tokens of a pointer: `/a~1b/0` → `['a/b', '0']`; the empty pointer (the whole document) → `[]`. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** A pointer from tokens, escaped. */
export function pointerOf(tokens: readonly string[]): string {
  return tokens.map((t) => `/${t.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** The value at a pointer, or undefined when there is none. */
export function valueAt(document: unknown, pointer: string): unknown {
  let value = document;
  for (const token of pointerTokens(pointer)) {
    if (Array.isArray(value)) value = /^\d+$/.test(token) ? (value[Number(token)] as unknown) : undefined;
    else if (value && typeof value === 'object')
      value = Object.hasOwn(value, token) ? (value as Record<string, unknown>)[token] : undefined;
    else return undefined;
  }
  return value;
}
