import type { AclItem } from './privilege-catalog.js';
import type { PrivilegeStatement } from './privilege-diff.js';

/**
 * Recognises the known noise of Supabase's own maintenance: REVOKE/GRANT pairs that only reorder privileges.
 * Statements are grouped per object and role and played against the target's privileges of that role; a
 * group whose end state equals its start state changes nothing but the order of the ACL, so every statement
 * of it is noise. Returns the indexes of the noise statements.
 */
export function classifyPrivilegeNoise(
  statements: readonly PrivilegeStatement[],
  before: ReadonlyMap<string, readonly AclItem[]>,
): Set<number> {
  const groups = new Map<string, number[]>();
  statements.forEach((s, index) => {
    const key = `${s.objectKey}\u0000${s.grantee}`;
    groups.set(key, [...(groups.get(key) ?? []), index]);
  });
  const noise = new Set<number>();
  for (const indexes of groups.values()) {
    const first = statements[indexes[0] as number] as PrivilegeStatement;
    const start = privilegesOf(before.get(first.objectKey) ?? [], first.grantee);
    const end = new Map(start);
    for (const index of indexes) play(end, statements[index] as PrivilegeStatement);
    if (sameState(start, end)) for (const index of indexes) noise.add(index);
  }
  return noise;
}

/** One role's privileges on one object: privilege → grant option. */
type RoleState = Map<string, boolean>;

function privilegesOf(items: readonly AclItem[], grantee: string): RoleState {
  const state: RoleState = new Map();
  for (const i of items)
    if (i.grantee === grantee) state.set(i.privilege, (state.get(i.privilege) ?? false) || i.grantable);
  return state;
}

function play(state: RoleState, s: PrivilegeStatement): void {
  const all = s.privileges.includes('ALL');
  switch (s.action) {
    case 'grant':
      for (const p of s.privileges) state.set(p, s.withGrantOption || (state.get(p) ?? false));
      return;
    case 'revoke':
      if (all) state.clear();
      else for (const p of s.privileges) state.delete(p);
      return;
    case 'revoke-grant-option':
      for (const p of all ? [...state.keys()] : s.privileges) if (state.has(p)) state.set(p, false);
      return;
  }
}

function sameState(a: RoleState, b: RoleState): boolean {
  return a.size === b.size && [...a].every(([p, g]) => b.get(p) === g);
}
