import { parseError } from '../api-error.js';
import type { Field, JsonStep } from './query-ast.js';

const IDENT = /[\p{L}\p{N}_ $]/u;

/** A cursor over a string for the small recursive-descent parsers of the query grammar. */
export class Cursor {
  pos = 0;

  constructor(
    readonly text: string,
    readonly what: string,
  ) {}

  /** True when all input is consumed. */
  done(): boolean {
    return this.pos >= this.text.length;
  }

  /** The next character, or '' at the end. */
  peek(offset = 0): string {
    return this.text[this.pos + offset] ?? '';
  }

  /** True (and consumed) when the input continues with `s`. */
  eat(s: string): boolean {
    if (this.text.startsWith(s, this.pos)) {
      this.pos += s.length;
      return true;
    }
    return false;
  }

  /** Consumes `s` or fails with a PGRST100 error naming what was expected. */
  expect(s: string): void {
    if (!this.eat(s)) throw this.fail(`expecting "${s}"`);
  }

  /** A PGRST100 error at the current position. */
  fail(expected: string): Error {
    const near = this.done() ? 'end of input' : `"${this.peek()}"`;
    return parseError(`${this.what} (${this.text})`, `unexpected ${near} ${expected}`);
  }
}

/** Parses a name: a double-quoted string, or identifier characters joined by single hyphens. */
export function parseName(c: Cursor): string {
  if (c.eat('"')) {
    let out = '';
    while (!c.done() && c.peek() !== '"') {
      if (c.peek() === '\\' && c.peek(1) !== '') c.pos++;
      out += c.peek();
      c.pos++;
    }
    c.expect('"');
    return out;
  }
  let out = '';
  for (;;) {
    const ch = c.peek();
    if (ch !== '' && IDENT.test(ch)) {
      out += ch;
      c.pos++;
    } else if (ch === '-' && c.peek(1) !== '>' && IDENT.test(c.peek(1)) && out !== '') {
      out += ch;
      c.pos++;
    } else break;
  }
  if (out.trim() === '') throw c.fail('expecting a name');
  return out.trim();
}

/** Parses `name(->key|->>key)*`; integer keys become array indexes. */
export function parseField(c: Cursor): Field {
  const name = parseName(c);
  const path: JsonStep[] = [];
  for (;;) {
    const arrow = c.eat('->>') ? '->>' : c.eat('->') ? '->' : null;
    if (arrow === null) break;
    const negative = c.peek() === '-' && /\d/.test(c.peek(1)) ? c.eat('-') : false;
    const key = parseName(c);
    const index = /^\d+$/.test(key);
    path.push({ arrow, key: negative ? `-${key}` : key, index: index });
  }
  return { name, path };
}
