import type { ColumnPair, Relationship, TableInfo } from './schema-types.js';
import type { KeyRelationship } from './view-relationships.js';

/** A relation of an exposed schema with its column names by attnum. */
export interface NamedRelation {
  readonly info: TableInfo;
  readonly names: ReadonlyMap<number, string>;
}

type KeyedRelationship = Extract<Relationship, { cardinality: 'm2o' | 'o2o' | 'o2m' }>;

function named(
  rel: KeyRelationship,
  relations: ReadonlyMap<string, NamedRelation>,
): KeyedRelationship | null {
  const from = relations.get(rel.from);
  const to = relations.get(rel.to);
  if (!from || !to) return null;
  const columns: ColumnPair[] = [];
  for (const [a, b] of rel.columns) {
    const fromName = from.names.get(a);
    const toName = to.names.get(b);
    if (fromName === undefined || toName === undefined) return null;
    columns.push([fromName, toName]);
  }
  return {
    cardinality: rel.oneToOne ? 'o2o' : 'm2o',
    table: from.info,
    foreignTable: to.info,
    isSelf: rel.isSelf,
    constraint: rel.key.name,
    columns,
  };
}

function swap(pairs: readonly ColumnPair[]): ColumnPair[] {
  return pairs.map(([a, b]) => [b, a] as const);
}

/**
 * Many-to-many relationships, as PostgREST's addM2MRels finds them: a table (or view) with many-to-one
 * relationships to both sides through two different foreign keys, all of whose columns are part of its
 * primary key, joins the two sides.
 */
function manyToMany(toOne: readonly KeyedRelationship[]): Relationship[] {
  const out: Relationship[] = [];
  for (const r1 of toOne) {
    if (r1.cardinality !== 'm2o') continue;
    for (const r2 of toOne) {
      if (r2.cardinality !== 'm2o' || r2.table !== r1.table || r2.constraint === r1.constraint) continue;
      const junction = r1.table;
      const cols = [...r1.columns, ...r2.columns].map(([j]) => j);
      if (!cols.every((c) => junction.primaryKey.includes(c))) continue;
      out.push({
        cardinality: 'm2m',
        table: r1.foreignTable,
        foreignTable: r2.foreignTable,
        isSelf: r1.foreignTable === r2.foreignTable,
        junction: {
          table: junction,
          constraint1: r1.constraint,
          constraint2: r2.constraint,
          sourceColumns: swap(r1.columns),
          targetColumns: swap(r2.columns),
        },
      });
    }
  }
  return out;
}

/**
 * All relationships between relations of the exposed schemas, by origin: the key relationships (of
 * tables and views) with names attached, the many-to-many ones, and the inverse of each to-one
 * relationship (one-to-many, or one-to-one seen from the other side). Relationships with an end outside
 * the exposed schemas are dropped, as PostgREST's removeInternal does.
 */
export function relationshipGraph(
  keyRelationships: readonly KeyRelationship[],
  relations: ReadonlyMap<string, NamedRelation>,
): ReadonlyMap<TableInfo, readonly Relationship[]> {
  const toOne = keyRelationships
    .map((r) => named(r, relations))
    .filter((r): r is KeyedRelationship => r !== null);
  const all: Relationship[] = [...toOne, ...manyToMany(toOne)];
  for (const r of toOne) {
    all.push({
      ...r,
      cardinality: r.cardinality === 'm2o' ? 'o2m' : 'o2o',
      table: r.foreignTable,
      foreignTable: r.table,
      columns: swap(r.columns),
    });
  }
  const byOrigin = new Map<TableInfo, Relationship[]>();
  for (const r of all) {
    const list = byOrigin.get(r.table);
    if (list) list.push(r);
    else byOrigin.set(r.table, [r]);
  }
  return byOrigin;
}
