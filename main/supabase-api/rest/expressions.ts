import { ApiError } from './api-error.js';
import {
  COMPARE_OPS,
  FTS_OPS,
  type Condition,
  type Field,
  type Filter,
  type OrderTerm,
} from './query-ast.js';
import type { TableInfo } from './schema-cache/schema-types.js';
import { arrayLiteral, ident, type SqlParams } from './sql-params.js';

/** What expressions at one level may refer to: its columns (checked) and its embeds' bodies. */
export interface Scope {
  readonly label: string;
  readonly alias: string;
  readonly columns: readonly string[];
  readonly table: TableInfo | null;
  /** Embed name → SQL of its JSON body (NULL when absent/empty), for `embed=is.null` filters. */
  readonly embeds: ReadonlyMap<string, string>;
}

/** 42703 as PostgreSQL words it, raised before any SQL runs. */
export function unknownColumn(scope: Scope, name: string): ApiError {
  return new ApiError(400, '42703', `column ${scope.label}.${name} does not exist`);
}

/** The SQL of a column with its JSON path; the column is checked, path keys are bound parameters. */
export function fieldSql(scope: Scope, field: Field, params: SqlParams): string {
  if (!scope.columns.includes(field.name)) throw unknownColumn(scope, field.name);
  let sql = `${ident(scope.alias)}.${ident(field.name)}`;
  for (const step of field.path) {
    const key = step.index ? `${params.add(step.key)}::int` : `${params.add(step.key)}::text`;
    sql = `(${sql} ${step.arrow} ${key})`;
  }
  return sql;
}

function isTsvector(scope: Scope, field: Field): boolean {
  return field.path.length === 0 && scope.table?.columns.get(field.name)?.type === 'tsvector';
}

function embedFilterSql(scope: Scope, filter: Filter): string | null {
  const body = field0(filter.field) ? scope.embeds.get(filter.field.name) : undefined;
  if (body === undefined) return null;
  const op = filter.operation;
  if (op.kind !== 'is' || (op.value !== 'null' && op.value !== 'not_null')) {
    throw new ApiError(
      400,
      'PGRST120',
      `Bad operator on the '${filter.field.name}' embedded resource`,
      'Only is null or not is null filters are allowed on embedded resources',
    );
  }
  const isNull = (op.value === 'null') !== filter.negate;
  return `${body} IS ${isNull ? '' : 'NOT '}NULL`;
}

function field0(field: Field): boolean {
  return field.path.length === 0;
}

/** The SQL of one filter; every value is a bound parameter. */
export function filterSql(scope: Scope, filter: Filter, params: SqlParams): string {
  const onEmbed = scope.columns.includes(filter.field.name) ? null : embedFilterSql(scope, filter);
  if (onEmbed !== null) return onEmbed;
  const lhs = fieldSql(scope, filter.field, params);
  const op = filter.operation;
  let sql: string;
  switch (op.kind) {
    case 'is':
      sql = `${lhs} IS ${op.value === 'not_null' ? 'NOT NULL' : op.value.toUpperCase()}`;
      break;
    case 'in':
      sql = `${lhs} = ANY(${params.add(arrayLiteral(op.values))})`;
      break;
    case 'fts': {
      const lang = op.language !== undefined ? `${params.add(op.language)}::regconfig, ` : '';
      const doc = isTsvector(scope, filter.field) ? lhs : `to_tsvector(${lang}${lhs})`;
      sql = `${doc} @@ ${FTS_OPS[op.op]}(${lang}${params.add(op.value)})`;
      break;
    }
    case 'compare': {
      const value = op.op === 'like' || op.op === 'ilike' ? op.value.replaceAll('*', '%') : op.value;
      const rhs = op.quantifier ? `${op.quantifier.toUpperCase()}(${params.add(value)})` : params.add(value);
      sql = `${lhs} ${COMPARE_OPS[op.op]} ${rhs}`;
      break;
    }
  }
  return filter.negate ? `NOT (${sql})` : sql;
}

/**
 * The SQL of a condition tree. A logic node is always parenthesised as a whole, so that it stays one operand
 * wherever it lands: `a AND (b OR c)`, never `a AND b OR c` (which OR-ed `c` with everything before it).
 */
export function conditionSql(scope: Scope, condition: Condition, params: SqlParams): string {
  if (condition.kind === 'filter') return filterSql(scope, condition.filter, params);
  const parts = condition.children.map((c) => conditionSql(scope, c, params));
  const joined = `(${parts.join(condition.op === 'and' ? ' AND ' : ' OR ')})`;
  return condition.negate ? `NOT ${joined}` : joined;
}

/** The SQL of an ORDER BY list. */
export function orderSql(scope: Scope, terms: readonly OrderTerm[], params: SqlParams): string {
  return terms
    .map((t) => {
      const dir = t.direction === 'desc' ? ' DESC' : ' ASC';
      const nulls = t.nulls === 'first' ? ' NULLS FIRST' : t.nulls === 'last' ? ' NULLS LAST' : '';
      return `${fieldSql(scope, t.field, params)}${dir}${nulls}`;
    })
    .join(', ');
}
