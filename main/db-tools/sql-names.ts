/** A double-quoted SQL identifier (always quoted, as migra writes them, so names compare as text). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."name"`. */
export function qualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/** A SQL string literal (standard-conforming strings: only `'` needs doubling). */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A role as a grantee: `public` is a keyword, every other role a quoted identifier. */
export function quoteGrantee(role: string): string {
  return role === 'PUBLIC' ? 'public' : quoteIdent(role);
}

/**
 * The unquoted `schema.name` of objects a statement drops (`drop view if exists "public"."x"`,
 * `drop function "public"."f"(integer)`), so that what it re-creates is treated as new.
 */
export function droppedObject(statement: string): { kind: string; name: string } | null {
  const match =
    /^\s*drop\s+(table|view|materialized\s+view|function|procedure|sequence|type|domain)\s+(?:if\s+exists\s+)?"((?:[^"]|"")+)"\."((?:[^"]|"")+)"/i.exec(
      statement,
    );
  if (!match) return null;
  const [, kind = '', schema = '', name = ''] = match;
  return {
    kind: kind.toLowerCase().replace(/\s+/g, ' '),
    name: `${schema.replaceAll('""', '"')}.${name.replaceAll('""', '"')}`,
  };
}

/** Whether a statement destroys something (data or an object) when applied. */
export function isDestructive(statement: string): boolean {
  return (
    /^\s*(drop|truncate)\s/i.test(statement) ||
    /^\s*alter\s+(table|type|domain)\s[\s\S]*?\bdrop\s+(column|attribute)\b/i.test(statement)
  );
}
