import { parseError } from '../api-error.js';
import { Cursor, parseField } from './field-parser.js';
import { COMPARE_OPS, FTS_OPS, type Condition, type Field, type Operation } from './query-ast.js';

const IS_VALUES = ['null', 'not_null', 'true', 'false', 'unknown'] as const;

function isCompareOp(op: string): op is keyof typeof COMPARE_OPS {
  return Object.prototype.hasOwnProperty.call(COMPARE_OPS, op);
}

function isFtsOp(op: string): op is keyof typeof FTS_OPS {
  return Object.prototype.hasOwnProperty.call(FTS_OPS, op);
}

function filterError(text: string): Error {
  return parseError(`filter (${text})`, 'expecting "not" or operator (eq, gt, ...)');
}

/** Parses the value side of a filter, `[not.]op.value`, e.g. `not.in.(1,2)` or `fts(english).cat`. */
export function parseOperation(text: string): { negate: boolean; operation: Operation } {
  let rest = text;
  const negate = rest.startsWith('not.');
  if (negate) rest = rest.slice(4);
  const dot = rest.indexOf('.');
  if (dot < 0) throw filterError(text);
  const head = rest.slice(0, dot);
  const value = rest.slice(dot + 1);
  const m = /^([a-z]+)(?:\(([^)]*)\))?$/.exec(head);
  if (!m) throw filterError(text);
  const op = m[1]!;
  const modifier = m[2];
  if (op === 'is' && modifier === undefined) {
    const v = value.toLowerCase();
    const found = IS_VALUES.find((x) => x === v);
    if (!found) throw parseError(`filter (${text})`, 'expecting null, not_null, true, false or unknown');
    return { negate, operation: { kind: 'is', value: found } };
  }
  if (op === 'in' && modifier === undefined)
    return { negate, operation: { kind: 'in', values: parseList(value, text) } };
  if (isFtsOp(op)) {
    const language = modifier;
    return { negate, operation: { kind: 'fts', op, value, ...(language ? { language } : {}) } };
  }
  if (isCompareOp(op)) {
    if (modifier === undefined) return { negate, operation: { kind: 'compare', op, value } };
    if ((modifier === 'any' || modifier === 'all') && !['isdistinct', 'cs', 'cd', 'ov'].includes(op)) {
      return { negate, operation: { kind: 'compare', op, value, quantifier: modifier } };
    }
  }
  throw filterError(text);
}

/** Parses `(a,"b,c",d)` into its elements; quoted elements may escape `"` and `\` with a backslash. */
export function parseList(text: string, whole: string): string[] {
  if (!text.startsWith('(') || !text.endsWith(')')) {
    throw parseError(`filter (${whole})`, 'expecting "(" and ")" around the list');
  }
  const inner = text.slice(1, -1);
  if (inner === '') return [];
  const out: string[] = [];
  let i = 0;
  while (i <= inner.length) {
    let item = '';
    if (inner[i] === '"') {
      i++;
      while (i < inner.length && inner[i] !== '"') {
        if (inner[i] === '\\' && i + 1 < inner.length) i++;
        item += inner[i];
        i++;
      }
      i++;
      if (i < inner.length && inner[i] !== ',') throw parseError(`filter (${whole})`, 'expecting ","');
    } else {
      const end = inner.indexOf(',', i);
      item = inner.slice(i, end < 0 ? inner.length : end);
      i = end < 0 ? inner.length : end;
    }
    out.push(item);
    i++;
  }
  return out;
}

/** Splits a logic tree's inside at top-level commas, keeping quoted, braced and parenthesized parts whole. */
function splitTopLevel(text: string, whole: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let brace = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '{') brace++;
    else if (ch === '}') brace = Math.max(0, brace - 1);
    else if (ch === '(') depth++;
    else if (ch === ')') {
      if (--depth < 0) throw parseError(`logic tree (${whole})`, 'unexpected ")"');
    } else if (ch === ',' && depth === 0 && brace === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0 || quoted) throw parseError(`logic tree (${whole})`, 'expecting ")" or a closing quote');
  parts.push(text.slice(start));
  return parts;
}

/** Parses the value of `or=`/`and=` (`(cond,cond,...)`) into a condition tree. */
export function parseLogic(op: 'and' | 'or', negate: boolean, value: string): Condition {
  if (!value.startsWith('(') || !value.endsWith(')')) {
    throw parseError(`logic tree (${value})`, 'expecting "(" and ")"');
  }
  const inner = value.slice(1, -1);
  if (inner.trim() === '') throw parseError(`logic tree (${value})`, 'expecting a condition');
  const children = splitTopLevel(inner, value).map((part) => parseCondition(part.trim(), value));
  return { kind: 'logic', op, negate, children };
}

function parseCondition(text: string, whole: string): Condition {
  const logic = /^(not\.)?(and|or)(\(.*\))$/s.exec(text);
  if (logic) return parseLogic(logic[2] as 'and' | 'or', logic[1] !== undefined, logic[3]!);
  // `field.[not.]op.value`: the field ends at the first '.' that is not inside quotes.
  const c = new Cursor(text, 'logic tree');
  let field: Field;
  try {
    field = parseField(c);
  } catch {
    throw parseError(`logic tree (${whole})`, `expecting a column in "${text}"`);
  }
  if (!c.eat('.')) throw parseError(`logic tree (${whole})`, `expecting "." after the column in "${text}"`);
  let rest = text.slice(c.pos);
  const parsed = parseOperation(rest);
  // In a logic tree, a quoted scalar value is unquoted.
  if (parsed.operation.kind === 'compare' && /^".*"$/s.test(parsed.operation.value)) {
    rest = parsed.operation.value.slice(1, -1).replace(/\\(.)/g, '$1');
    return {
      kind: 'filter',
      filter: { field, negate: parsed.negate, operation: { ...parsed.operation, value: rest } },
    };
  }
  return { kind: 'filter', filter: { field, ...parsed } };
}
