import { createClient } from '@pgkit/client';
import { Migration } from '@pgkit/migra';

/**
 * The schema statements (tables, columns, constraints, indexes, views, functions, types, policies,
 * triggers, RLS switches) that turn `currentUrl` into `desiredUrl`, from @pgkit/migra (the TypeScript port
 * of migra). Every schema but `schemas` is excluded, in one run, so statements across public and internal
 * come in migra's dependency order. Drops are allowed (the file is reviewed) and flagged elsewhere;
 * privileges are left to the ACL comparison, because migra compares only table-level grants.
 */
export async function migraStatements(
  currentUrl: string,
  desiredUrl: string,
  otherSchemas: readonly string[],
): Promise<string[]> {
  const current = createClient(currentUrl);
  const desired = createClient(desiredUrl);
  try {
    const migration = await Migration.create(current, desired, { exclude_schema: [...otherSchemas] });
    migration.set_safety(false);
    migration.add_all_changes(false);
    return hoistDomains([...migration.statements].map((s) => s.trim()).filter((s) => s !== ''));
  } finally {
    await Promise.all([current.end(), desired.end()]);
  }
}

/** Whether a migra statement changes anything (`set check_function_bodies = off` only prepares). */
export function isSessionSetting(statement: string): boolean {
  return /^set\s/i.test(statement);
}

/**
 * migra creates domains after tables, so a new table with a column of a new domain fails. Domains depend
 * only on types (created before tables) and functions (created after both), never on tables: moving their
 * creation in front of the first table keeps every other dependency as it was.
 */
export function hoistDomains(statements: readonly string[]): string[] {
  const isDomain = (s: string): boolean => /^create\s+domain\s/i.test(s);
  const firstTable = statements.findIndex((s) => /^create\s+(unlogged\s+)?table\s/i.test(s));
  const domains = statements.filter(isDomain);
  if (firstTable < 0 || domains.length === 0) return [...statements];
  const rest = statements.filter((s) => !isDomain(s));
  const at = rest.findIndex((s) => /^create\s+(unlogged\s+)?table\s/i.test(s));
  return [...rest.slice(0, at), ...domains, ...rest.slice(at)];
}
