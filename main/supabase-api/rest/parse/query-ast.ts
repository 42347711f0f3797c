/** One step of a JSON path: `->key`, `->>key`, or an array index `->0`. */
export interface JsonStep {
  readonly arrow: '->' | '->>';
  readonly key: string;
  readonly index: boolean;
}

/** A column reference with an optional JSON path, e.g. `data->a->>b`. */
export interface Field {
  readonly name: string;
  readonly path: readonly JsonStep[];
}

/** The aggregate functions `select=` may apply to a field (`amount.sum()`). */
export const AGGREGATES = ['count', 'sum', 'avg', 'min', 'max'] as const;

/** An item of `select=`. */
export type SelectItem =
  | { readonly kind: 'star' }
  | {
      readonly kind: 'column';
      readonly field: Field;
      readonly alias?: string;
      readonly cast?: string;
      /** `field.sum()` and friends, with an optional cast of the result. */
      readonly aggregate?: (typeof AGGREGATES)[number];
      readonly aggregateCast?: string;
    }
  /** `count()`: the number of rows. */
  | { readonly kind: 'count'; readonly alias?: string; readonly aggregateCast?: string }
  | {
      readonly kind: 'embed';
      readonly relation: string;
      readonly alias?: string;
      readonly hint?: string;
      readonly inner: boolean;
      readonly select: readonly SelectItem[];
    }
  | {
      /** `...relation(cols)`: the columns of a to-one embed, in the parent's object (PostgREST 12). */
      readonly kind: 'spread';
      readonly relation: string;
      readonly hint?: string;
      readonly inner: boolean;
      readonly select: readonly SelectItem[];
    };

/** Comparison operators that take one value (PostgREST's `SimpleOperator` and `QuantOperator`). */
export const COMPARE_OPS = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  like: 'LIKE',
  ilike: 'ILIKE',
  match: '~',
  imatch: '~*',
  cs: '@>',
  cd: '<@',
  ov: '&&',
  sl: '<<',
  sr: '>>',
  nxr: '&<',
  nxl: '&>',
  adj: '-|-',
  isdistinct: 'IS DISTINCT FROM',
} as const;

/** The operators of full-text search, and the tsquery function each maps to. */
export const FTS_OPS = {
  fts: 'to_tsquery',
  plfts: 'plainto_tsquery',
  phfts: 'phraseto_tsquery',
  wfts: 'websearch_to_tsquery',
} as const;

/** The operation of a filter. */
export type Operation =
  | {
      readonly kind: 'compare';
      readonly op: keyof typeof COMPARE_OPS;
      readonly value: string;
      readonly quantifier?: 'any' | 'all';
    }
  | { readonly kind: 'is'; readonly value: 'null' | 'not_null' | 'true' | 'false' | 'unknown' }
  | { readonly kind: 'in'; readonly values: readonly string[] }
  | {
      readonly kind: 'fts';
      readonly op: keyof typeof FTS_OPS;
      readonly language?: string;
      readonly value: string;
    };

/** A filter on one field, possibly negated with `not.`. */
export interface Filter {
  readonly field: Field;
  readonly negate: boolean;
  readonly operation: Operation;
}

/** A condition tree: a filter, or `and(...)`/`or(...)` of conditions. */
export type Condition =
  | { readonly kind: 'filter'; readonly filter: Filter }
  | {
      readonly kind: 'logic';
      readonly op: 'and' | 'or';
      readonly negate: boolean;
      readonly children: readonly Condition[];
    };

/** One `order=` term. */
export interface OrderTerm {
  readonly field: Field;
  readonly direction?: 'asc' | 'desc';
  readonly nulls?: 'first' | 'last';
}

/** The parts of a request that apply at one level of the embed tree ('' = the top level). */
export interface LevelParams {
  readonly conditions: Condition[];
  order?: readonly OrderTerm[];
  limit?: number;
  offset?: number;
}

/** A parsed query string. */
export interface QueryParams {
  readonly select: readonly SelectItem[];
  /** Keyed by embed path ('' for the top level, 'a.b' for the embed b inside a). */
  readonly levels: Map<string, LevelParams>;
  readonly columns?: readonly string[];
  readonly onConflict?: readonly string[];
  /** Query parameters that are function arguments (GET /rpc), possibly repeated. */
  readonly rpcArgs: Map<string, string[]>;
}
