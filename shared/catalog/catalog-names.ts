// Catalog names as Flow and the control-plane schema define them: components of Unicode letters, numbers, `-`,
// `_` and `.` joined by `/` (crates/models `CATALOG_NAME_RE`), at least two of them (the `catalog_name` domain of
// the original migrations: `acmeCo/anvils`, never a bare `acmeCo`), NFKC-normalized, and short enough that the
// journals and shards Flow names after them fit Gazette's 512-character limit (broker/protocol `maxJournalNameLen`,
// consumer `maxShardIDLen`). Gazette measures those names in bytes (Go's `len` of the UTF-8 string), so the limit
// is in UTF-8 bytes: a name of non-ASCII letters reaches it in fewer characters.
import type { CatalogSpecType } from '../control-plane-rows.js';

const TOKEN = /^[\p{L}\p{N}\-_.]+$/u;
const NAME = /[\p{L}\p{N}\-_.]+(\/[\p{L}\p{N}\-_.]+)*/u;

/** Gazette's limit on journal names and shard ids, in UTF-8 bytes. */
export const GAZETTE_NAME_LIMIT = 512;

/**
 * The longest name Flow can run for a spec type: the name plus the longest journal or shard id Flow derives from
 * it must fit Gazette's limit. Collections: `<name>/pivot=00` (without partitions); tasks: their recovery logs
 * `recovery/<kind>/<name>/00000000-00000000`. Tests make no journals.
 */
export const MAX_NAME_LENGTH: Readonly<Record<CatalogSpecType, number>> = {
  collection: GAZETTE_NAME_LIMIT - '/pivot=00'.length,
  capture: GAZETTE_NAME_LIMIT - 'recovery/capture/'.length - '/00000000-00000000'.length,
  materialization: GAZETTE_NAME_LIMIT - 'recovery/materialize/'.length - '/00000000-00000000'.length,
  test: GAZETTE_NAME_LIMIT,
};

/** The longest name a derivation may have (its recovery log is `recovery/derivation/<name>/…`). */
export const MAX_DERIVATION_NAME_LENGTH = GAZETTE_NAME_LIMIT - 'recovery/derivation/'.length - 18;

const encoder = new TextEncoder();
/** A string's length in UTF-8 bytes, as Go's `len` measures it (TextEncoder: the GUI runs this too). */
function utf8Length(s: string): number {
  return encoder.encode(s).length;
}

/** The part of a name outside the grammar, as Flow reports it (`unmatched`), or null when it all matches. */
function unmatchedPart(name: string): string | null {
  const m = NAME.exec(name);
  if (!m) return name;
  const unmatched = name.slice(0, m.index) + name.slice(m.index + m[0].length);
  return unmatched === '' ? null : unmatched;
}

/**
 * The problems of a catalog name for an entity (`collection`, `capture`, ...), in Flow's words where Flow has
 * them. `derivation` narrows the length limit of a collection that is derived.
 */
export function catalogNameProblems(name: string, type: CatalogSpecType, derivation = false): string[] {
  if (name === '') return [`${type} name cannot be empty`];
  const problems: string[] = [];
  const unmatched = unmatchedPart(name);
  if (unmatched !== null) {
    problems.push(`${name} cannot be used as name for ${type} (${JSON.stringify(unmatched)} is invalid)`);
  } else if (!name.includes('/')) {
    problems.push(
      `${name} cannot be used as name for ${type}: a catalog name has at least two components, a prefix and a name (such as acmeCo/${name})`,
    );
  }
  if (name.normalize('NFKC') !== name) {
    problems.push(
      `${name} cannot be used as name for ${type}: it must be NFKC-normalized (${name.normalize('NFKC')})`,
    );
  }
  const max = derivation ? MAX_DERIVATION_NAME_LENGTH : MAX_NAME_LENGTH[type];
  const length = utf8Length(name);
  if (length > max) {
    problems.push(
      `${type} name is ${length} bytes long (UTF-8), but may be at most ${max}: Flow's journal and shard names made from it must fit Gazette's limit of ${GAZETTE_NAME_LIMIT} bytes`,
    );
  }
  return problems;
}

/** Whether a string is one catalog name component (letters, numbers, `-`, `_`, `.`). */
export function isNameToken(token: string): boolean {
  return TOKEN.test(token);
}
