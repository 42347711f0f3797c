import { ApiError, parseError } from '../api-error.js';
import { Cursor, parseField } from './field-parser.js';
import { parseLogic, parseOperation } from './filter-parser.js';
import type { LevelParams, OrderTerm, QueryParams } from './query-ast.js';
import { parseSelect } from './select-parser.js';

/** Reserved keys that apply to one level of the embed tree, longest first (`not.or` before `or`). */
const LEVEL_KEYS = ['not.or', 'not.and', 'order', 'limit', 'offset', 'or', 'and'] as const;

/** Splits `a.b.not.or` into the embed path `a.b` and the level key `not.or`; null for a filter key. */
function levelKey(key: string): { path: string; name: (typeof LEVEL_KEYS)[number] } | null {
  for (const name of LEVEL_KEYS) {
    if (key === name) return { path: '', name };
    if (key.endsWith(`.${name}`)) return { path: key.slice(0, -name.length - 1), name };
  }
  return null;
}

/**
 * Parses a PostgREST query string. `isArgument` tells which plain keys are function arguments (GET /rpc);
 * every other unreserved key is a filter.
 */
export function parseQueryParams(
  search: string,
  isArgument: (key: string) => boolean = () => false,
): QueryParams {
  const params = new URLSearchParams(search);
  const levels = new Map<string, LevelParams>();
  const level = (path: string): LevelParams => {
    let found = levels.get(path);
    if (!found) {
      found = { conditions: [] };
      levels.set(path, found);
    }
    return found;
  };
  level('');
  const rpcArgs = new Map<string, string[]>();
  let select: QueryParams['select'] = [{ kind: 'star' }];
  let columns: string[] | undefined;
  let onConflict: string[] | undefined;
  for (const [key, value] of params) {
    if (key === '') continue;
    if (key === 'select') select = parseSelect(value);
    else if (key === 'columns') columns = parseNameList(value, 'columns');
    else if (key === 'on_conflict') onConflict = parseNameList(value, 'on_conflict');
    else if (isArgument(key)) rpcArgs.set(key, [...(rpcArgs.get(key) ?? []), value]);
    else {
      const reserved = levelKey(key);
      if (reserved) applyLevelKey(level(reserved.path), reserved.name, value);
      else addFilter(key, value, level);
    }
  }
  return {
    select,
    levels,
    rpcArgs,
    ...(columns ? { columns } : {}),
    ...(onConflict ? { onConflict } : {}),
  };
}

function applyLevelKey(target: LevelParams, key: string, value: string): void {
  switch (key) {
    case 'order':
      target.order = parseOrder(value);
      return;
    case 'limit':
      target.limit = parseCount(value, 'limit');
      return;
    case 'offset':
      target.offset = parseCount(value, 'offset');
      return;
    default:
      target.conditions.push(parseLogic(key.endsWith('and') ? 'and' : 'or', key.startsWith('not.'), value));
  }
}

function parseCount(value: string, what: string): number {
  if (/^-\d+$/.test(value.trim())) {
    throw new ApiError(416, 'PGRST103', 'Requested range not satisfiable', `${what} must be non-negative`);
  }
  if (!/^\d{1,15}$/.test(value.trim())) throw parseError(`${what} (${value})`, 'expecting a number');
  return Number(value.trim());
}

/** Splits a filter key into its embed path and field: `a.b.col->x` is column `col->x` of embed `a.b`. */
function addFilter(key: string, value: string, level: (path: string) => LevelParams): void {
  const arrow = key.indexOf('->');
  const head = arrow < 0 ? key : key.slice(0, arrow);
  const dot = head.lastIndexOf('.');
  const path = dot < 0 ? '' : head.slice(0, dot);
  const fieldText = dot < 0 ? key : key.slice(dot + 1);
  const c = new Cursor(fieldText, 'filter');
  const field = parseField(c);
  if (!c.done()) throw c.fail('expecting a column name');
  const parsed = parseOperation(value);
  level(path).conditions.push({ kind: 'filter', filter: { field, ...parsed } });
}

function parseOrder(value: string): OrderTerm[] {
  return value.split(',').map((term) => {
    const c = new Cursor(term.trim(), 'order');
    const field = parseField(c);
    let direction: OrderTerm['direction'];
    let nulls: OrderTerm['nulls'];
    while (c.eat('.')) {
      if (c.eat('asc')) direction = 'asc';
      else if (c.eat('desc')) direction = 'desc';
      else if (c.eat('nullsfirst')) nulls = 'first';
      else if (c.eat('nullslast')) nulls = 'last';
      else throw c.fail('expecting "asc", "desc", "nullsfirst" or "nullslast"');
    }
    if (!c.done()) throw c.fail('expecting "." or ","');
    return { field, ...(direction ? { direction } : {}), ...(nulls ? { nulls } : {}) };
  });
}

function parseNameList(value: string, what: string): string[] {
  const names = value.split(',').map((raw) => {
    const t = raw.trim();
    return t.startsWith('"') && t.endsWith('"') && t.length >= 2 ? t.slice(1, -1) : t;
  });
  if (names.some((n) => n === '')) throw parseError(`${what} (${value})`, 'expecting a column name');
  return names;
}
