import { ApiError } from './api-error.js';
import type { SchemaCache } from './schema-cache.js';
import type { ForeignKey, TableInfo } from './schema-types.js';

/** How an embedded resource joins its parent: pairs of (parent column, embedded column). */
export interface Relation {
  readonly target: TableInfo;
  readonly cardinality: 'one' | 'many';
  readonly pairs: readonly (readonly [string, string])[];
  readonly constraint: string;
}

function single(columns: readonly string[]): string | undefined {
  return columns.length === 1 ? columns[0] : undefined;
}

function isUnique(table: TableInfo, columns: readonly string[]): boolean {
  return table.uniqueKeys.some(
    (key) => key.length === columns.length && key.every((c) => columns.includes(c)),
  );
}

function matchesHint(fk: ForeignKey, hint: string | undefined): boolean {
  if (hint === undefined) return true;
  return hint === fk.constraint || hint === single(fk.fromColumns) || hint === single(fk.toColumns);
}

/**
 * Finds the relationship an embed `name[!hint]` names from `origin`, as PostgREST does: by the related
 * table's name, the foreign key's constraint name, or (many-to-one) the foreign key column. None is
 * PGRST200, several is PGRST201.
 */
export function findRelation(cache: SchemaCache, origin: TableInfo, name: string, hint?: string): Relation {
  const found: Relation[] = [];
  for (const fk of cache.foreignKeys) {
    if (!matchesHint(fk, hint)) continue;
    if (
      fk.from === origin &&
      (fk.to.name === name || fk.constraint === name || single(fk.fromColumns) === name)
    ) {
      found.push({
        target: fk.to,
        cardinality: 'one',
        pairs: fk.fromColumns.map((c, i) => [c, fk.toColumns[i]!] as const),
        constraint: fk.constraint,
      });
    }
    if (fk.to === origin && (fk.from.name === name || fk.constraint === name)) {
      found.push({
        target: fk.from,
        cardinality: isUnique(fk.from, fk.fromColumns) ? 'one' : 'many',
        pairs: fk.toColumns.map((c, i) => [c, fk.fromColumns[i]!] as const),
        constraint: fk.constraint,
      });
    }
  }
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    throw new ApiError(
      400,
      'PGRST200',
      `Could not find a relationship between '${origin.name}' and '${name}' in the schema cache`,
      `Searched for a foreign key relationship between '${origin.name}' and '${name}'${hint ? ` using the hint '${hint}'` : ''} in the schema '${origin.schema}', but no matches were found.`,
      null,
    );
  }
  throw new ApiError(
    300,
    'PGRST201',
    `Could not embed because more than one relationship was found for '${origin.name}' and '${name}'`,
    found.map((r) => `${r.target.name} via ${r.constraint}`).join(', '),
    `Try changing '${name}' to one of the following: ${found.map((r) => `'${name}!${r.constraint}'`).join(', ')}. Find the desired relationship in the 'details' key.`,
  );
}
