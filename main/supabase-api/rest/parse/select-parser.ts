import { Cursor, parseField, parseName } from './field-parser.js';
import { AGGREGATES, type SelectItem } from './query-ast.js';

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
  if (relation === 'count' && c.eat('()')) {
    const aggregateCast = parseCast(c);
    return {
      kind: 'count',
      ...(alias !== undefined ? { alias } : {}),
      ...(aggregateCast !== undefined ? { aggregateCast } : {}),
    };
  }
  if (c.peek() === '!' || c.peek() === '(') {
    const { hint, ...embed } = parseEmbed(c, relation);
    return {
      kind: 'embed',
      ...embed,
      ...(alias !== undefined ? { alias } : {}),
      ...(hint !== undefined ? { hint } : {}),
    };
  }
  c.pos = fieldStart;
  const field = parseField(c);
  const cast = parseCast(c);
  let aggregate: (typeof AGGREGATES)[number] | undefined;
  let aggregateCast: string | undefined;
  if (c.peek() === '.' && /[a-z]/.test(c.peek(1))) {
    c.pos++;
    const name = parseName(c);
    aggregate = AGGREGATES.find((a) => a === name);
    if (aggregate === undefined || !c.eat('()')) {
      throw c.fail('expecting an aggregate function (count(), sum(), avg(), min(), max())');
    }
    aggregateCast = parseCast(c);
  }
  return {
    kind: 'column',
    field,
    ...(alias !== undefined ? { alias } : {}),
    ...(cast !== undefined ? { cast } : {}),
    ...(aggregate !== undefined ? { aggregate } : {}),
    ...(aggregateCast !== undefined ? { aggregateCast } : {}),
  };
}

/** An optional `::type` (a type name, possibly with `[]`). */
function parseCast(c: Cursor): string | undefined {
  if (!c.eat('::')) return undefined;
  const castStart = c.pos;
  while (!c.done() && /[A-Za-z0-9_ [\]]/.test(c.peek())) c.pos++;
  const cast = c.text.slice(castStart, c.pos).trim();
  if (!CAST.test(cast)) throw c.fail('expecting a type name');
  return cast;
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
