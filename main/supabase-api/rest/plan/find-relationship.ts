import { ApiError } from '../api-error.js';
import { fuzzyMatches } from './fuzzy.js';
import type { SchemaCache } from '../schema-cache/schema-cache.js';
import type { Relationship, TableInfo } from '../schema-cache/schema-types.js';

/** Whether an embed along the relationship is one object (to-one) rather than an array (to-many). */
export function isToOne(rel: Relationship): boolean {
  if (rel.cardinality === 'computed') return rel.toOne;
  return rel.cardinality === 'm2o' || rel.cardinality === 'o2o';
}

/**
 * The origin's columns the relationship joins on (a mutation must return them to embed from its rows); a
 * computed relationship's function takes the whole row, so all of them, in order.
 */
export function originColumns(rel: Relationship): string[] {
  if (rel.cardinality === 'computed') return [...rel.table.columns.keys()];
  return rel.cardinality === 'm2m'
    ? rel.junction.sourceColumns.map(([origin]) => origin)
    : rel.columns.map(([origin]) => origin);
}

/** A relationship through one foreign key (not a junction table, not a function). */
function isForeignKey(
  rel: Relationship,
): rel is Extract<Relationship, { cardinality: 'm2o' | 'o2o' | 'o2m' }> {
  return rel.cardinality === 'm2o' || rel.cardinality === 'o2o' || rel.cardinality === 'o2m';
}

function singlePair(rel: Relationship): readonly [string, string] | undefined {
  return isForeignKey(rel) && rel.columns.length === 1 ? rel.columns[0] : undefined;
}

/** `name` is the relationship's single origin column (PostgREST's matchFKSingleCol). */
function matchesColumn(rel: Relationship, name: string): boolean {
  return singlePair(rel)?.[0] === name;
}

/** `name` is the relationship's single target column (matchFKRefSingleCol). */
function matchesRefColumn(rel: Relationship, name: string): boolean {
  return singlePair(rel)?.[1] === name;
}

function matchesConstraint(rel: Relationship, name: string): boolean {
  return isForeignKey(rel) && rel.constraint === name;
}

function matchesJunction(rel: Relationship, name: string): boolean {
  return rel.cardinality === 'm2m' && rel.junction.table.name === name;
}

/**
 * Whether an embed `target[!hint]` means `rel`, by PostgREST's rules (Plan.hs findRel): the target is the
 * related table or view, or (without a hint, towards a table) the foreign key's name or the origin's
 * foreign key column. A hint picks among the relationships to the target by constraint name, origin
 * column, target column or junction table. In a self-relationship the table name means the one-to-many
 * side and the column name the many-to-one side. A computed relationship is named by its function (any
 * hint is ignored, as in PostgREST).
 */
function matches(rel: Relationship, target: string, hint: string | undefined): boolean {
  if (rel.cardinality === 'computed') return rel.function.name === target;
  const toTarget = rel.foreignTable.name === target;
  if (rel.isSelf) {
    if (hint === undefined) {
      return (
        (toTarget && rel.cardinality === 'o2m') || (matchesColumn(rel, target) && rel.cardinality === 'm2o')
      );
    }
    return toTarget && rel.cardinality === 'o2m' && matchesRefColumn(rel, hint);
  }
  if (hint === undefined) {
    const viaKey = !rel.foreignTable.isView && (matchesConstraint(rel, target) || matchesColumn(rel, target));
    return toTarget || viaKey;
  }
  return (
    toTarget &&
    (matchesConstraint(rel, hint) ||
      matchesColumn(rel, hint) ||
      matchesRefColumn(rel, hint) ||
      matchesJunction(rel, hint))
  );
}

function columnList(cols: readonly string[]): string {
  return `(${cols.join(', ')})`;
}

const CARDINALITY_NAMES = {
  m2o: 'many-to-one',
  o2o: 'one-to-one',
  o2m: 'one-to-many',
  m2m: 'many-to-many',
  computed: 'computed',
} as const;

/** One candidate of an ambiguous embed, as PostgREST lists it in the details of PGRST201. */
function describe(rel: Relationship): Record<string, string> {
  const relationship =
    rel.cardinality === 'computed'
      ? `${rel.function.name}(${rel.table.name})`
      : rel.cardinality === 'm2m'
        ? `${rel.junction.table.name} using ${rel.junction.constraint1}${columnList(rel.junction.sourceColumns.map(([, j]) => j))}` +
          ` and ${rel.junction.constraint2}${columnList(rel.junction.targetColumns.map(([, j]) => j))}`
        : `${rel.constraint} using ${rel.table.name}${columnList(rel.columns.map(([a]) => a))}` +
          ` and ${rel.foreignTable.name}${columnList(rel.columns.map(([, b]) => b))}`;
  return {
    cardinality: CARDINALITY_NAMES[rel.cardinality],
    embedding: `${rel.table.name} with ${rel.foreignTable.name}`,
    relationship,
  };
}

/** The hint that would pick `rel`: `target!constraint`, or `target!junction` for many-to-many. */
function hintFor(rel: Relationship): string {
  if (rel.cardinality === 'computed') return `'${rel.function.name}'`;
  const by = rel.cardinality === 'm2m' ? rel.junction.table.name : rel.constraint;
  return `'${rel.foreignTable.name}!${by}'`;
}

/**
 * Finds the relationship an embed `target[!hint]` names from `origin` (a table or view), among the
 * relationships to relations of the origin's schema. None is 400 PGRST200, several 300 PGRST201 with the
 * candidates in the details and the hints that would pick each, unless one is a computed relationship: a
 * function overrides the relationships of the same name.
 */
export function findRelationship(
  cache: SchemaCache,
  origin: TableInfo,
  target: string,
  hint?: string,
): Relationship {
  const found = (cache.relationships.get(origin) ?? []).filter(
    (rel) => rel.foreignTable.schema === origin.schema && matches(rel, target, hint),
  );
  if (found.length === 1) return found[0]!;
  const computed = found.find((rel) => rel.cardinality === 'computed');
  if (computed) return computed;
  if (found.length === 0) {
    // PostgREST's noRelBetweenHint: the closest related table's name, unless the target is one of them
    // (then the embed hint is what is wrong).
    const related = (cache.relationships.get(origin) ?? []).map((rel) => rel.foreignTable.name);
    const suggestion = fuzzyMatches(related, target).find((m) => m.score < 1)?.value;
    throw new ApiError(
      400,
      'PGRST200',
      `Could not find a relationship between '${origin.name}' and '${target}' in the schema cache`,
      `Searched for a foreign key relationship between '${origin.name}' and '${target}'` +
        `${hint !== undefined ? ` using the hint '${hint}'` : ''} in the schema '${origin.schema}', but no matches were found.`,
      suggestion !== undefined ? `Perhaps you meant '${suggestion}' instead of '${target}'.` : null,
    );
  }
  throw new ApiError(
    300,
    'PGRST201',
    `Could not embed because more than one relationship was found for '${origin.name}' and '${target}'`,
    found.map(describe),
    `Try changing '${target}' to one of the following: ${found.map(hintFor).join(', ')}. Find the desired relationship in the 'details' key.`,
  );
}
