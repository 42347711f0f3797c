import { ApiError } from '../api-error.js';
import type { Condition, Field, LevelParams, OrderTerm, SelectItem } from '../parse/query-ast.js';
import type { SchemaCache } from '../schema-cache/schema-cache.js';
import type { TableInfo } from '../schema-cache/schema-types.js';
import { findRelationship, isToOne } from './find-relationship.js';
import type {
  CastType,
  EmbedPlan,
  FieldRef,
  LogicTree,
  PlanOrderTerm,
  ReadNode,
  SelectField,
} from './read-plan.js';

/** What a read is planned over: the relation at the top of the tree. */
export interface PlanBase {
  readonly table: TableInfo | null;
  readonly label: string;
  readonly columns: readonly string[];
}

/** Switches of the database's PostgREST configuration that change what a request may do. */
export interface PlanOptions {
  /** `db-aggregates-enabled`: `count()`, `col.sum()`... (the legacy `rel(count)` works regardless). */
  readonly aggregatesEnabled: boolean;
}

/** The request's parts a read plan is made of (a parsed query string). */
export interface PlanInput {
  readonly select: readonly SelectItem[];
  readonly levels: ReadonlyMap<string, LevelParams>;
}

interface Planning {
  readonly cache: SchemaCache;
  readonly input: PlanInput;
  readonly options: PlanOptions;
  readonly usedPaths: Set<string>;
  counter: number;
}

/** 42703 as PostgreSQL words it, raised before any SQL runs. */
export function unknownColumn(label: string, name: string): ApiError {
  return new ApiError(400, '42703', `column ${label}.${name} does not exist`);
}

/** 400 PGRST123: aggregates are off (PostgREST's db-aggregates-enabled = false, its default). */
function aggregatesNotAllowed(): ApiError {
  return new ApiError(400, 'PGRST123', 'Use of aggregate functions is not allowed');
}

/**
 * Plans a read: resolves every column, computed field, cast, relationship and filter of the request against
 * the schema cache into a tree of nodes (see read-plan.ts). Fails with PostgREST's errors: 42703 unknown
 * column, 42704 unknown type, PGRST200/201 relationships, PGRST108 a filter on an embed not selected,
 * PGRST120 a bad operator on an embed, PGRST123 aggregates when disabled, 42712 an embed name used twice.
 */
export function planRead(
  cache: SchemaCache,
  base: PlanBase,
  input: PlanInput,
  options: PlanOptions,
): ReadNode {
  const planning: Planning = { cache, input, options, usedPaths: new Set(['']), counter: 0 };
  const node = planNode(planning, base, 't0', input.select, '', 0);
  for (const path of input.levels.keys()) {
    if (!planning.usedPaths.has(path)) {
      throw notEmbedded(path);
    }
  }
  return node;
}

/** A column of the relation, else a computed field of its table, else 42703. */
export function resolveField(cache: SchemaCache, base: PlanBase, field: Field): FieldRef {
  if (base.columns.includes(field.name)) {
    const type = field.path.length > 0 ? base.table?.columns.get(field.name)?.type : undefined;
    return type !== undefined && type !== 'json' && type !== 'jsonb'
      ? { name: field.name, path: field.path, toJsonb: true }
      : { name: field.name, path: field.path };
  }
  const computed = base.table ? cache.computedFields.get(base.table)?.get(field.name) : undefined;
  if (computed && base.table) {
    const row = { schema: base.table.schema, name: base.table.name };
    return { name: field.name, computed: { ...computed, row }, path: field.path };
  }
  throw unknownColumn(base.label, field.name);
}

/** A type name of a `::cast`, resolved among the known types (42704 otherwise). */
export function resolveCast(cache: SchemaCache, cast: string): CastType {
  const array = cast.endsWith('[]');
  const base = (array ? cast.slice(0, -2) : cast).trim().toLowerCase();
  const known = cache.castTypes.get(base);
  if (known === undefined) throw new ApiError(400, '42704', `type "${base}" does not exist`);
  const dot = known.indexOf('.');
  return { schema: known.slice(0, dot), name: known.slice(dot + 1), array };
}

function outputName(item: Extract<SelectItem, { kind: 'column' }>): string {
  if (item.alias !== undefined) return item.alias;
  if (item.aggregate !== undefined) return item.aggregate;
  // PostgREST names `data->a->>0` after its last key (`a`), and `data->0` after the column.
  const lastKey = item.field.path.findLast((step) => !step.index);
  return lastKey ? lastKey.key : item.field.name;
}

function planNode(
  planning: Planning,
  base: PlanBase,
  alias: string,
  items: readonly SelectItem[],
  path: string,
  depth: number,
): ReadNode {
  const { cache } = planning;
  const select: SelectField[] = [];
  const embeds: EmbedPlan[] = [];
  const embedNames = new Set<string>();
  let grouped = false;
  for (const item of items) {
    switch (item.kind) {
      case 'star':
        for (const c of base.columns) select.push({ kind: 'field', field: { name: c, path: [] }, name: c });
        break;
      case 'count': {
        if (!planning.options.aggregatesEnabled) throw aggregatesNotAllowed();
        grouped = true;
        select.push({
          kind: 'count',
          name: item.alias ?? 'count',
          ...(item.aggregateCast !== undefined
            ? { aggregateCast: resolveCast(cache, item.aggregateCast) }
            : {}),
        });
        break;
      }
      case 'column': {
        if (isLegacyCount(cache, base, item)) {
          // `rel(count)`: PostgreSQL reads "rel"."count" as count(rel), so PostgREST answers the number of
          // rows whether or not aggregates are enabled.
          grouped = true;
          select.push({ kind: 'count', name: item.alias ?? 'count' });
          break;
        }
        if (item.aggregate !== undefined) {
          if (!planning.options.aggregatesEnabled) throw aggregatesNotAllowed();
          grouped = true;
        }
        select.push({
          kind: 'field',
          field: resolveField(cache, base, item.field),
          name: outputName(item),
          ...(item.cast !== undefined ? { cast: resolveCast(cache, item.cast) } : {}),
          ...(item.aggregate !== undefined ? { aggregate: item.aggregate } : {}),
          ...(item.aggregateCast !== undefined
            ? { aggregateCast: resolveCast(cache, item.aggregateCast) }
            : {}),
        });
        break;
      }
      case 'embed':
      case 'spread': {
        const name = item.kind === 'embed' ? (item.alias ?? item.relation) : item.relation;
        if (embedNames.has(name)) {
          // PostgREST names the lateral join <parent>_<embed>_<depth>; PostgreSQL refuses the repeat.
          throw new ApiError(
            400,
            '42712',
            `table name "${base.label}_${name}_${depth + 1}" specified more than once`,
          );
        }
        embedNames.add(name);
        const embed = planEmbed(planning, base, item, name, path === '' ? name : `${path}.${name}`, depth);
        embeds.push(embed);
        select.push({ kind: 'embed', embed });
        break;
      }
    }
  }
  const level = planning.input.levels.get(path);
  const where = (level?.conditions ?? []).map((c) => planCondition(cache, base, embeds, c));
  const order = (level?.order ?? []).map((t) => planOrder(cache, base, embeds, t));
  return {
    table: base.table,
    label: base.label,
    alias,
    columns: base.columns,
    select,
    where,
    order,
    grouped,
    embeds,
    ...(level?.limit !== undefined ? { limit: level.limit } : {}),
    ...(level?.offset !== undefined ? { offset: level.offset } : {}),
  };
}

function isLegacyCount(
  cache: SchemaCache,
  base: PlanBase,
  item: Extract<SelectItem, { kind: 'column' }>,
): boolean {
  return (
    item.field.name === 'count' &&
    item.field.path.length === 0 &&
    item.cast === undefined &&
    item.aggregate === undefined &&
    !base.columns.includes('count') &&
    !(base.table && cache.computedFields.get(base.table)?.has('count'))
  );
}

function planEmbed(
  planning: Planning,
  parent: PlanBase,
  item: Extract<SelectItem, { kind: 'embed' | 'spread' }>,
  name: string,
  path: string,
  depth: number,
): EmbedPlan {
  if (parent.table === null) {
    throw new ApiError(
      400,
      'PGRST200',
      `Could not find a relationship between '${parent.label}' and '${item.relation}' in the schema cache`,
    );
  }
  const relationship = findRelationship(planning.cache, parent.table, item.relation, item.hint);
  const toOne = isToOne(relationship);
  // A to-many spread aggregates the related values into arrays (PostgREST 13): only with aggregates on.
  if (item.kind === 'spread' && !toOne && !planning.options.aggregatesEnabled) throw aggregatesNotAllowed();
  planning.usedPaths.add(path);
  const n = ++planning.counter;
  const target = relationship.foreignTable;
  const node = planNode(
    planning,
    { table: target, label: target.name, columns: [...target.columns.keys()] },
    `t${n}`,
    item.select,
    path,
    depth + 1,
  );
  return {
    name,
    path,
    relationship,
    toOne,
    mode: item.kind === 'spread' ? 'spread' : 'json',
    inner: item.inner,
    joinAlias: `a${n}`,
    node,
  };
}

/** Plans the top-level order of a mutation (a limited update or delete), on the table's own fields. */
export function planMutationOrder(
  cache: SchemaCache,
  base: PlanBase,
  terms: readonly OrderTerm[],
): PlanOrderTerm[] {
  return terms.map((t) => planOrder(cache, base, [], t));
}

/** Plans the filters of a mutation: the top level's conditions, on the table's own fields. */
export function planConditions(
  cache: SchemaCache,
  base: PlanBase,
  conditions: readonly Condition[],
): LogicTree[] {
  return conditions.map((c) => planCondition(cache, base, [], c));
}

function planCondition(
  cache: SchemaCache,
  base: PlanBase,
  embeds: readonly EmbedPlan[],
  condition: Condition,
): LogicTree {
  if (condition.kind === 'logic') {
    return {
      kind: 'logic',
      op: condition.op,
      negate: condition.negate,
      children: condition.children.map((c) => planCondition(cache, base, embeds, c)),
    };
  }
  const { filter } = condition;
  const embed =
    filter.field.path.length === 0 && !base.columns.includes(filter.field.name)
      ? embeds.find((e) => e.name === filter.field.name)
      : undefined;
  if (embed) {
    const op = filter.operation;
    if (op.kind !== 'is' || (op.value !== 'null' && op.value !== 'not_null')) {
      throw new ApiError(
        400,
        'PGRST120',
        `Bad operator on the '${filter.field.name}' embedded resource`,
        'Only is null or not is null filters are allowed on embedded resources',
      );
    }
    return { kind: 'embedNull', embed, isNull: (op.value === 'null') !== filter.negate };
  }
  const field = resolveField(cache, base, filter.field);
  const tsvector =
    filter.operation.kind === 'fts' &&
    field.path.length === 0 &&
    field.computed === undefined &&
    base.table?.columns.get(field.name)?.type === 'tsvector';
  return {
    kind: 'filter',
    filter: { field, negate: filter.negate, operation: filter.operation, tsvector },
  };
}

function planOrder(
  cache: SchemaCache,
  base: PlanBase,
  embeds: readonly EmbedPlan[],
  term: OrderTerm,
): PlanOrderTerm {
  const direction = {
    ...(term.direction ? { direction: term.direction } : {}),
    ...(term.nulls ? { nulls: term.nulls } : {}),
  };
  if (term.relation !== undefined) {
    const embed = embeds.find((e) => e.name === term.relation);
    if (!embed) {
      throw notEmbedded(term.relation);
    }
    if (!embed.toOne) {
      throw new ApiError(
        400,
        'PGRST118',
        `A related order on '${term.relation}' is not possible`,
        `'${base.label}' and '${term.relation}' do not form a many-to-one or one-to-one relationship`,
      );
    }
    // PostgREST orders by the embed's output column: it must be one the embed selects.
    const output = embed.node.select.find(
      (f) => f.kind !== 'embed' && f.name === term.field.name && term.field.path.length === 0,
    );
    if (!output) throw unknownColumn(`${embed.node.label}_1`, term.field.name);
    return {
      field: { name: term.field.name, path: [] },
      related: { embed, output: term.field.name },
      ...direction,
    };
  }
  return {
    field: resolveField(cache, base, term.field),
    ...direction,
  };
}

/** Whether a condition of the parent refers to the embed (its join is then needed to count the parent). */
export function refersTo(tree: LogicTree, embed: EmbedPlan): boolean {
  if (tree.kind === 'embedNull') return tree.embed === embed;
  if (tree.kind === 'logic') return tree.children.some((c) => refersTo(c, embed));
  return false;
}

/** PGRST108: a filter, order or limit names an embed the select does not have. */
function notEmbedded(path: string): ApiError {
  return new ApiError(
    400,
    'PGRST108',
    `'${path}' is not an embedded resource in this request`,
    null,
    `Verify that '${path}' is included in the 'select' query parameter.`,
  );
}
