import { COMPARE_OPS, FTS_OPS } from '../parse/query-ast.js';
import type {
  CastType,
  EmbedPlan,
  FieldRef,
  LogicTree,
  PlanFilter,
  PlanOrderTerm,
} from '../plan/read-plan.js';
import { arrayLiteral, ident, qualified, type SqlParams } from './sql-params.js';

/** The SQL of a field of the relation under `alias`: its column or computed field, then its JSON path. */
export function fieldSql(alias: string, field: FieldRef, params: SqlParams): string {
  let sql = field.computed
    ? `${qualified(field.computed.schema, field.computed.name)}(${ident(alias)}::${qualified(field.computed.row.schema, field.computed.row.name)})`
    : `${ident(alias)}.${ident(field.name)}`;
  if (field.toJsonb) sql = `to_jsonb(${sql})`;
  for (const step of field.path) {
    // Path keys are bound parameters, never SQL.
    const key = step.index ? `${params.add(step.key)}::int` : `${params.add(step.key)}::text`;
    sql = `(${sql} ${step.arrow} ${key})`;
  }
  return sql;
}

/** `CAST(sql AS "schema"."type")`, the type a known one. */
export function castSql(sql: string, cast: CastType): string {
  return `CAST(${sql} AS ${qualified(cast.schema, cast.name)}${cast.array ? '[]' : ''})`;
}

/** The SQL of one filter; every value is a bound parameter. */
export function filterSql(alias: string, filter: PlanFilter, params: SqlParams): string {
  const lhs = fieldSql(alias, filter.field, params);
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
      const doc = filter.tsvector ? lhs : `to_tsvector(${lang}${lhs})`;
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

/** The SQL that is NULL when an embed found nothing (its lateral join's marker). */
export type EmbedPresence = (embed: EmbedPlan) => string;

/**
 * The SQL of a condition tree. A logic node is always parenthesised as a whole, so that it stays one operand
 * wherever it lands: `a AND (b OR c)`, never `a AND b OR c` (which OR-ed `c` with everything before it).
 */
export function conditionSql(
  alias: string,
  tree: LogicTree,
  params: SqlParams,
  presence: EmbedPresence,
): string {
  switch (tree.kind) {
    case 'filter':
      return filterSql(alias, tree.filter, params);
    case 'embedNull':
      return `${presence(tree.embed)} IS ${tree.isNull ? '' : 'NOT '}NULL`;
    case 'logic': {
      const parts = tree.children.map((c) => conditionSql(alias, c, params, presence));
      const joined = `(${parts.join(tree.op === 'and' ? ' AND ' : ' OR ')})`;
      return tree.negate ? `NOT ${joined}` : joined;
    }
  }
}

/** The key of a related order's column among a level's order references. */
export function relatedKey(related: NonNullable<PlanOrderTerm['related']>): string {
  return `${related.embed.path}\0${related.output}`;
}

/**
 * The SQL of an ORDER BY list; a related order term refers to the column its to-one embed's lateral join
 * exposes for it (`refs`, by relatedKey).
 */
export function orderSql(
  alias: string,
  terms: readonly PlanOrderTerm[],
  params: SqlParams,
  refs: ReadonlyMap<string, string> = new Map(),
): string {
  return terms
    .map((t) => {
      const dir = t.direction === 'desc' ? ' DESC' : ' ASC';
      const nulls = t.nulls === 'first' ? ' NULLS FIRST' : t.nulls === 'last' ? ' NULLS LAST' : '';
      const sql = t.related ? (refs.get(relatedKey(t.related)) ?? 'NULL') : fieldSql(alias, t.field, params);
      return `${sql}${dir}${nulls}`;
    })
    .join(', ');
}
