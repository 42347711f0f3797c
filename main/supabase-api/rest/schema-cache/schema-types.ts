/** A column of a table or view, as the schema cache knows it. */
export interface ColumnInfo {
  readonly name: string;
  /** The SQL type as format_type renders it (used in json_to_record column lists). */
  readonly type: string;
  readonly notNull: boolean;
  /** What `missing=default` fills in: the default expression, an identity's nextval, or null. */
  readonly defaultExpr: string | null;
  readonly generated: boolean;
}

/** A table, view or materialized view of an exposed schema. */
export interface TableInfo {
  readonly schema: string;
  readonly name: string;
  readonly isView: boolean;
  readonly columns: ReadonlyMap<string, ColumnInfo>;
  readonly primaryKey: readonly string[];
  readonly uniqueKeys: readonly (readonly string[])[];
}

/** A pair of columns a relationship joins on: (origin column, target column). */
export type ColumnPair = readonly [string, string];

/** The table in the middle of a many-to-many relationship and its two foreign keys. */
export interface Junction {
  readonly table: TableInfo;
  /** The junction's foreign key to the origin, and the one to the target. */
  readonly constraint1: string;
  readonly constraint2: string;
  /** (origin column, junction column) pairs. */
  readonly sourceColumns: readonly ColumnPair[];
  /** (target column, junction column) pairs. */
  readonly targetColumns: readonly ColumnPair[];
}

/**
 * A relationship an embed can follow from `table` to `foreignTable`, as PostgREST's schema cache has them:
 * from a foreign key (many-to-one, or one-to-one when the key columns are unique), its inverse (one-to-many),
 * the same traced through views, many-to-many through a junction table, and computed relationships: a
 * function taking the origin's row and returning rows of the target (to-one when it returns one row or is
 * declared `rows 1`).
 */
export type Relationship =
  | {
      readonly cardinality: 'm2o' | 'o2o' | 'o2m';
      readonly table: TableInfo;
      readonly foreignTable: TableInfo;
      readonly isSelf: boolean;
      readonly constraint: string;
      /** (origin column, target column) pairs in key order. */
      readonly columns: readonly ColumnPair[];
    }
  | {
      readonly cardinality: 'm2m';
      readonly table: TableInfo;
      readonly foreignTable: TableInfo;
      readonly isSelf: boolean;
      readonly junction: Junction;
    }
  | {
      readonly cardinality: 'computed';
      readonly table: TableInfo;
      readonly foreignTable: TableInfo;
      readonly isSelf: boolean;
      /** The function, called with the origin's row; the embed's name is the function's. */
      readonly function: { readonly schema: string; readonly name: string };
      readonly toOne: boolean;
    };

/** An input argument of a function. */
export interface FunctionArg {
  readonly name: string;
  readonly type: string;
  readonly hasDefault: boolean;
  readonly variadic: boolean;
}

/** A function callable through /rpc. */
export interface FunctionInfo {
  readonly schema: string;
  readonly name: string;
  readonly args: readonly FunctionArg[];
  readonly volatility: 'immutable' | 'stable' | 'volatile';
  readonly returnsSet: boolean;
  /** void; scalar (incl. arrays, json); composite (a row type, OUT or TABLE columns). */
  readonly returnKind: 'void' | 'scalar' | 'composite';
  /** Output columns of a composite return. */
  readonly outColumns: readonly string[];
  /** The table whose row type the function returns, for embedding from its results. */
  readonly returnTable: TableInfo | null;
}

/** A function that computes a field from a row of a table or view (PostgREST's computed fields). */
export interface ComputedField {
  readonly schema: string;
  readonly name: string;
}
