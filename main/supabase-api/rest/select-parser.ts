import { ApiError } from './api-error.js';
import { Cursor, parseField, parseName } from './field-parser.js';
import type { SelectItem } from './query-ast.js';

const CAST = /^[A-Za-z_][A-Za-z0-9_ ]*(\[\])?$/;

/** Parses PostgREST's `select=` grammar into a tree; empty means `*`. */
export function parseSelect(text: string): SelectItem[] {
  const c = new Cursor(text.trim(), 'select');
  if (c.done()) return [{ kind: 'star' }];
  const items = parseItems(c);
  if (!c.done()) throw c.fail('expecting "," or end of input');
  return items;
}

function parseItems(c: Cursor): SelectItem[] {
  const items: SelectItem[] = [];
  do {
    skipSpace(c);
    items.push(parseItem(c));
    skipSpace(c);
  } while (c.eat(','));
  return items;
}

function skipSpace(c: Cursor): void {
  while (c.peek() === ' ') c.pos++;
}

function parseItem(c: Cursor): SelectItem {
  if (c.eat('*')) return { kind: 'star' };
  if (c.peek() === '.' && c.eat('...')) {
    const { relation, hint, inner, select } = parseEmbed(c, parseName(c));
    return { kind: 'spread', relation, inner, select, ...(hint !== undefined ? { hint } : {}) };
  }
  const start = c.pos;
  let alias: string | undefined;
  const first = parseName(c);
  if (c.peek() === ':' && c.peek(1) !== ':') {
    c.pos++;
    alias = first;
  } else {
    c.pos = start;
  }
  const fieldStart = c.pos;
  const relation = parseName(c);
  if (c.peek() === '!' || c.peek() === '(') {
    const { hint, ...embed } = parseEmbed(c, relation);
    return {
      kind: 'embed',
      ...embed,
      ...(alias !== undefined ? { alias } : {}),
      ...(hint !== undefined ? { hint } : {}),
    };
  }
  if (relation === 'count' && c.eat('()')) {
    throw new ApiError(400, 'PGRST123', 'Use of aggregate functions is not allowed');
  }
  c.pos = fieldStart;
  const field = parseField(c);
  let cast: string | undefined;
  if (c.eat('::')) {
    const castStart = c.pos;
    while (!c.done() && /[A-Za-z0-9_ [\]]/.test(c.peek())) c.pos++;
    cast = c.text.slice(castStart, c.pos).trim();
    if (!CAST.test(cast)) throw c.fail('expecting a type name');
  }
  if (c.peek() === '.' && /[a-z]/.test(c.peek(1))) {
    throw new ApiError(400, 'PGRST123', 'Use of aggregate functions is not allowed');
  }
  return {
    kind: 'column',
    field,
    ...(alias !== undefined ? { alias } : {}),
    ...(cast !== undefined ? { cast } : {}),
  };
}

/** The part of an embed after its name: `!hint`, `!inner`/`!left` (at most two) and `(select)`. */
function parseEmbed(
  c: Cursor,
  relation: string,
): { relation: string; hint: string | undefined; inner: boolean; select: SelectItem[] } {
  let hint: string | undefined;
  let inner = false;
  let count = 0;
  while (c.eat('!')) {
    if (++count > 2) throw c.fail('expecting "("');
    const word = parseName(c);
    if (word === 'inner') inner = true;
    else if (word !== 'left') hint = word;
  }
  c.expect('(');
  skipSpace(c);
  const select: SelectItem[] = c.peek() === ')' ? [] : parseItems(c);
  c.expect(')');
  return { relation, hint, inner, select };
}
