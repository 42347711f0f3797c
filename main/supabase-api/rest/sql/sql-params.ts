import pg from 'pg';

/** Collects bound parameter values; `add` returns the `$n` placeholder to put in the SQL text. */
export class SqlParams {
  readonly values: unknown[] = [];

  /** Binds a value (sent untyped, so Postgres coerces it to the column's type). */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Double-quotes an identifier (only ever one the schema cache knows). */
export function ident(name: string): string {
  return pg.escapeIdentifier(name);
}

/** A schema-qualified, quoted name. */
export function qualified(schema: string, name: string): string {
  return `${ident(schema)}.${ident(name)}`;
}

/** A Postgres array literal (`{"a","b"}`) for `= ANY($n)`, every element quoted and escaped. */
export function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (m) => `\\${m}`)}"`).join(',')}}`;
}
