import type { AclItem, AclObject, DefaultAcls } from './privilege-catalog.js';
import { qualified, quoteGrantee, quoteIdent } from './sql-names.js';

/** One GRANT or REVOKE, with what it does in structured form (for the noise check). */
export interface PrivilegeStatement {
  readonly sql: string;
  /** Identifies the object (and column) the statement is about. */
  readonly objectKey: string;
  readonly grantee: string;
  /** `revoke-grant-option` takes away only the right to grant further. */
  readonly action: 'grant' | 'revoke' | 'revoke-grant-option';
  /** Upper-case privilege names, or `['ALL']`. */
  readonly privileges: readonly string[];
  readonly withGrantOption: boolean;
}

/** What the privilege comparison needs to know about both sides. */
export interface PrivilegeDiffInput {
  /** The scratch database built from the migrations: what the target should look like. */
  readonly desired: readonly AclObject[];
  /** The target as it is. */
  readonly current: readonly AclObject[];
  /** The target's default privileges, which objects the pending file creates start from. */
  readonly currentDefaults: DefaultAcls;
  /** `schema.name` of objects the schema statements drop and create again (their ACL starts afresh). */
  readonly recreated: ReadonlySet<string>;
  /** The target's server_version_num: privileges it does not know (MAINTAIN before 17) are left out. */
  readonly currentVersion: number;
}

/** The statements that turn the target's privileges into the migrations', and each object's start state. */
export interface PrivilegeDiff {
  readonly statements: readonly PrivilegeStatement[];
  /** The target's privileges per object key before the statements run (for the noise check). */
  readonly before: ReadonlyMap<string, readonly AclItem[]>;
  /** Roles the migrations grant to that the target does not have. */
  readonly missingRoles: readonly string[];
}

/**
 * Compares ACLs as sets of (grantee, privilege, grant option), owners left out (an owner's privileges follow
 * ownership). Where the sets differ it emits the minimal GRANTs and REVOKEs. Where they are equal but listed
 * in another order it emits what an order-sensitive comparison (pg_dump output, text diffs) would: a REVOKE
 * ALL and a re-GRANT per role that moved. Those change nothing but the order and are recognised as noise
 * by `classifyPrivilegeNoise`.
 */
export function diffPrivileges(input: PrivilegeDiffInput, targetRoles: ReadonlySet<string>): PrivilegeDiff {
  const current = new Map(input.current.map((o) => [objectKey(o), o]));
  const statements: PrivilegeStatement[] = [];
  const before = new Map<string, readonly AclItem[]>();
  const missing = new Set<string>();
  const supported = (p: string): boolean => p !== 'MAINTAIN' || input.currentVersion >= 170000;
  for (const desired of [...input.desired].sort(byKey)) {
    const key = objectKey(desired);
    const recreated = input.recreated.has(`${desired.schema}.${desired.name}`);
    const existing = recreated ? undefined : current.get(key);
    const owners = new Set([desired.owner, existing?.owner ?? input.currentDefaults.role]);
    const keep = (i: AclItem): boolean => !owners.has(i.grantee) && supported(i.privilege);
    const want = desired.items.filter(keep);
    const have = (existing ? existing.items : initialItems(desired, input.currentDefaults)).filter(keep);
    before.set(key, have);
    for (const item of want) {
      if (item.grantee !== 'PUBLIC' && !targetRoles.has(item.grantee)) missing.add(item.grantee);
    }
    const changes = setChanges(desired, key, want, have);
    statements.push(...(changes.length > 0 ? changes : reorderings(desired, key, want, have)));
  }
  return { statements, before, missingRoles: [...missing].sort() };
}

/** The key two databases share for the same object: kind, qualified name, signature, column. */
export function objectKey(o: AclObject): string {
  return `${o.kind} ${o.schema}.${o.name}${o.args !== null ? `(${o.args})` : ''}${o.column !== null ? `.${o.column}` : ''}`;
}

function byKey(a: AclObject, b: AclObject): number {
  const ka = objectKey(a);
  const kb = objectKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** What an object created by the pending file starts with in the target. */
function initialItems(o: AclObject, defaults: DefaultAcls): readonly AclItem[] {
  // New columns start with no privileges of their own; new schemas with none for others.
  if (o.kind === 'column') return [];
  const objtype = {
    schema: 'n',
    table: 'r',
    sequence: 'S',
    function: 'f',
    procedure: 'f',
    type: 'T',
    domain: 'T',
  }[o.kind];
  const builtIn: AclItem[] =
    objtype === 'f'
      ? [{ grantee: 'PUBLIC', privilege: 'EXECUTE', grantable: false }]
      : objtype === 'T'
        ? [{ grantee: 'PUBLIC', privilege: 'USAGE', grantable: false }]
        : [];
  const global = defaults.entries.find((e) => e.objtype === objtype && e.schema === null);
  // Per-schema defaults exist only for tables, sequences, functions and types, and only add privileges.
  const inSchema = defaults.entries.find((e) => e.objtype === objtype && e.schema === o.schema);
  return [...(global ? global.items : builtIn), ...(inSchema && objtype !== 'n' ? inSchema.items : [])];
}

type PrivilegeMap = Map<string, Map<string, boolean>>;

function byGrantee(items: readonly AclItem[]): PrivilegeMap {
  const map: PrivilegeMap = new Map();
  for (const i of items) {
    const privileges = map.get(i.grantee) ?? new Map<string, boolean>();
    privileges.set(i.privilege, (privileges.get(i.privilege) ?? false) || i.grantable);
    map.set(i.grantee, privileges);
  }
  return map;
}

function setChanges(
  o: AclObject,
  key: string,
  want: readonly AclItem[],
  have: readonly AclItem[],
): PrivilegeStatement[] {
  const wanted = byGrantee(want);
  const had = byGrantee(have);
  const out: PrivilegeStatement[] = [];
  const grantees = [...new Set([...had.keys(), ...wanted.keys()])].sort();
  for (const grantee of grantees) {
    const w = wanted.get(grantee) ?? new Map<string, boolean>();
    const h = had.get(grantee) ?? new Map<string, boolean>();
    const revoke = [...h.keys()].filter((p) => !w.has(p));
    const revokeOption = [...h].filter(([p, g]) => g && w.get(p) === false).map(([p]) => p);
    const grant = [...w].filter(([p, g]) => !h.has(p) && !g).map(([p]) => p);
    const grantWithOption = [...w].filter(([p, g]) => g && h.get(p) !== true).map(([p]) => p);
    if (revoke.length) out.push(statement(o, key, grantee, 'revoke', revoke, false));
    if (revokeOption.length) out.push(statement(o, key, grantee, 'revoke-grant-option', revokeOption, false));
    if (grant.length) out.push(statement(o, key, grantee, 'grant', grant, false));
    if (grantWithOption.length) out.push(statement(o, key, grantee, 'grant', grantWithOption, true));
  }
  return out;
}

/**
 * Equal sets in another order: the roles to move (REVOKE ALL, then GRANT again, which appends them) so that
 * the target lists its roles in the migrations' order. Roles that already form the right prefix stay.
 */
function reorderings(
  o: AclObject,
  key: string,
  want: readonly AclItem[],
  have: readonly AclItem[],
): PrivilegeStatement[] {
  const wantOrder = [...new Set(want.map((i) => i.grantee))];
  const haveOrder = [...new Set(have.map((i) => i.grantee))];
  let kept = 0;
  for (const grantee of haveOrder) if (grantee === wantOrder[kept]) kept++;
  const wanted = byGrantee(want);
  const out: PrivilegeStatement[] = [];
  for (const grantee of wantOrder.slice(kept)) {
    const privileges = [...(wanted.get(grantee) ?? new Map<string, boolean>())];
    out.push(statement(o, key, grantee, 'revoke', ['ALL'], false));
    const plain = privileges.filter(([, g]) => !g).map(([p]) => p);
    const withOption = privileges.filter(([, g]) => g).map(([p]) => p);
    if (plain.length) out.push(statement(o, key, grantee, 'grant', plain, false));
    if (withOption.length) out.push(statement(o, key, grantee, 'grant', withOption, true));
  }
  return out;
}

const PRIVILEGE_ORDER = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'TRUNCATE',
  'REFERENCES',
  'TRIGGER',
  'MAINTAIN',
  'EXECUTE',
  'USAGE',
  'CREATE',
];

function statement(
  o: AclObject,
  key: string,
  grantee: string,
  action: PrivilegeStatement['action'],
  privileges: readonly string[],
  withGrantOption: boolean,
): PrivilegeStatement {
  const sorted = [...privileges].sort((a, b) => PRIVILEGE_ORDER.indexOf(a) - PRIVILEGE_ORDER.indexOf(b));
  const column = o.column !== null ? ` (${quoteIdent(o.column)})` : '';
  const list = sorted.map((p) => `${p === 'ALL' ? 'all privileges' : p.toLowerCase()}${column}`).join(', ');
  const on = `on ${objectClause(o)}`;
  const who = quoteGrantee(grantee);
  const sql =
    action === 'grant'
      ? `grant ${list} ${on} to ${who}${withGrantOption ? ' with grant option' : ''};`
      : action === 'revoke'
        ? `revoke ${list} ${on} from ${who};`
        : `revoke grant option for ${list} ${on} from ${who};`;
  return { sql, objectKey: key, grantee, action, privileges: sorted, withGrantOption };
}

/** `table "public"."x"`, `function "public"."f"(a integer)`, ... as GRANT and COMMENT name objects. */
export function objectClause(o: Pick<AclObject, 'kind' | 'schema' | 'name' | 'args'>): string {
  switch (o.kind) {
    case 'schema':
      return `schema ${quoteIdent(o.name)}`;
    case 'column':
    case 'table':
      return `table ${qualified(o.schema, o.name)}`;
    case 'function':
    case 'procedure':
      return `${o.kind} ${qualified(o.schema, o.name)}(${o.args ?? ''})`;
    case 'sequence':
    case 'type':
    case 'domain':
      return `${o.kind} ${qualified(o.schema, o.name)}`;
  }
}
