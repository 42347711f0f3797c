import type { JsonStep, Operation } from '../parse/query-ast.js';
import type { ComputedField, Relationship, TableInfo } from '../schema-cache/schema-types.js';

/**
 * The read plan: what a read (or the representation of a write, or the result of a function) selects, as a
 * tree of the relation and its embeds, every name checked against the schema cache. PostgREST's ReadPlan;
 * the SQL is written from it by sql/read-sql.ts without looking at the request again.
 */

/** A value of the relation an expression refers to: a column or a computed field, with a JSON path. */
export interface FieldRef {
  readonly name: string;
  /**
   * Set when the field is computed by a function of the row, not stored in a column; `row` is the table
   * whose row type the function takes (the row is cast to it, so a mutation's returned rows work too).
   */
  readonly computed?: ComputedField & { readonly row: { readonly schema: string; readonly name: string } };
  readonly path: readonly JsonStep[];
  /**
   * The column is neither json nor jsonb but has a JSON path (an array, a composite or any other type): its
   * value goes through `to_jsonb` first, as PostgREST does, so `tags->0` or `point->>x` work.
   */
  readonly toJsonb?: true;
}

/** The aggregate functions of `select=` (PostgREST's AggregateFunction). */
export type AggregateFunction = 'count' | 'sum' | 'avg' | 'min' | 'max';

/** A type to cast to, resolved to the qualified name of a known type. */
export interface CastType {
  readonly schema: string;
  readonly name: string;
  readonly array: boolean;
}

/** One value the node outputs. */
export type SelectField =
  | {
      readonly kind: 'field';
      readonly field: FieldRef;
      /** The key in the output object. */
      readonly name: string;
      readonly cast?: CastType;
      readonly aggregate?: AggregateFunction;
      readonly aggregateCast?: CastType;
    }
  /** `count()`, and the legacy `rel(count)`: the number of rows (of the group). */
  | { readonly kind: 'count'; readonly name: string; readonly aggregateCast?: CastType }
  /** An embed's output at this position: its JSON, or a spread's fields. */
  | { readonly kind: 'embed'; readonly embed: EmbedPlan };

/** A filter of the plan; `tsvector` when a full-text search filters a tsvector column (no to_tsvector). */
export interface PlanFilter {
  readonly field: FieldRef;
  readonly negate: boolean;
  readonly operation: Operation;
  readonly tsvector: boolean;
}

/** A boolean tree over filters, as PostgREST's LogicTree. */
export type LogicTree =
  | { readonly kind: 'filter'; readonly filter: PlanFilter }
  /** `embed=is.null` / `embed=not.is.null`: whether an embed found anything. */
  | { readonly kind: 'embedNull'; readonly embed: EmbedPlan; readonly isNull: boolean }
  | {
      readonly kind: 'logic';
      readonly op: 'and' | 'or';
      readonly negate: boolean;
      readonly children: readonly LogicTree[];
    };

/** One term of ORDER BY: a field of the node, or (`related`) an output field of one of its to-one embeds. */
export interface PlanOrderTerm {
  readonly field: FieldRef;
  readonly related?: { readonly embed: EmbedPlan; readonly output: string };
  readonly direction?: 'asc' | 'desc';
  readonly nulls?: 'first' | 'last';
}

/** A relation read by one level of the tree. */
export interface ReadNode {
  /** The table or view (null for a function's composite result without a table type). */
  readonly table: TableInfo | null;
  /** The name errors use for the relation. */
  readonly label: string;
  /** The relation's alias in SQL (t0 at the top, t1... in embeds). */
  readonly alias: string;
  /** The relation's columns, for `*`. */
  readonly columns: readonly string[];
  readonly select: readonly SelectField[];
  /** ANDed together. */
  readonly where: readonly LogicTree[];
  readonly order: readonly PlanOrderTerm[];
  readonly limit?: number;
  readonly offset?: number;
  /** Whether the select has aggregates: the other fields are then grouped by. */
  readonly grouped: boolean;
  readonly embeds: readonly EmbedPlan[];
}

/** An embed: the related rows of a relationship, read by their own node. */
export interface EmbedPlan {
  /** The output key (alias or relation name); a spread has none of its own. */
  readonly name: string;
  /** The embed's path of names from the top ('a.b'), as filters and order name it. */
  readonly path: string;
  readonly relationship: Relationship;
  readonly toOne: boolean;
  /** `json`: one value (object or array); `spread`: its fields join the parent's. */
  readonly mode: 'json' | 'spread';
  /** `!inner` (or a `not.is.null` filter on it): parents without related rows are dropped. */
  readonly inner: boolean;
  /** The SQL alias of the embed's lateral join. */
  readonly joinAlias: string;
  readonly node: ReadNode;
}
