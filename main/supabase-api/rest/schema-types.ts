/** A column of a table or view, as the schema cache knows it. */
export interface ColumnInfo {
  readonly name: string;
  /** The SQL type as format_type renders it (used in json_to_record column lists). */
  readonly type: string;
  readonly notNull: boolean;
  /** The default expression from the catalog, or null. */
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

/** A foreign key from `from.fromColumns` to `to.toColumns`. */
export interface ForeignKey {
  readonly constraint: string;
  readonly from: TableInfo;
  readonly fromColumns: readonly string[];
  readonly to: TableInfo;
  readonly toColumns: readonly string[];
}

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
