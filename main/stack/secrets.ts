import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';

import { readJsonObject, StateFileError, writeFileAtomic } from './state-file.js';

/** Secrets of one data directory, generated on first start and kept with owner-only permissions. */
export interface StackSecrets {
  readonly jwtSecret: string;
  readonly anonKey: string;
  readonly serviceRoleKey: string;
  /** Password of the cluster superuser `supabase_admin`; users connect as `postgres:postgres`. */
  readonly superuserPassword: string;
}

const TEN_YEARS_S = 10 * 365 * 24 * 3600;
const KEYS = ['jwtSecret', 'anonKey', 'serviceRoleKey', 'superuserPassword'] as const;

/**
 * Loads the data directory's secrets, creating them on first use — and only then. An existing secrets.json is
 * never replaced: new secrets would invalidate every key handed out and lock the stack out of its own
 * database (the superuser password is in there). A damaged one stops the start with a sentence naming the file
 * and what is wrong; a missing one next to an existing database cluster (`pgdata`) does too.
 */
export async function loadOrCreateSecrets(file: string, pgdata?: string): Promise<StackSecrets> {
  const remedy = `flow-desktop never replaces it: restore it, or delete it together with ${pgdata ?? 'the database cluster'} to start with a new, empty database`;
  const parsed = readJsonObject(file, remedy);
  if (parsed) {
    const missing = KEYS.filter((k) => typeof parsed[k] !== 'string' || parsed[k] === '');
    if (missing.length > 0) {
      throw new StateFileError(
        file,
        `is damaged: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing or empty`,
        remedy,
      );
    }
    return parsed as unknown as StackSecrets;
  }
  if (pgdata && existsSync(path.join(pgdata, 'PG_VERSION'))) {
    throw new StateFileError(
      file,
      `is missing, but ${pgdata} holds a database made with the secrets it had (its superuser password)`,
      'restore secrets.json, or delete the database cluster too to start with a new, empty database',
    );
  }
  const jwtSecret = randomBytes(32).toString('base64url');
  const secrets: StackSecrets = {
    jwtSecret,
    anonKey: await signApiKey(jwtSecret, 'anon'),
    serviceRoleKey: await signApiKey(jwtSecret, 'service_role'),
    superuserPassword: randomBytes(18).toString('base64url'),
  };
  writeFileAtomic(file, JSON.stringify(secrets, null, 2), { mode: 0o600, exclusive: true });
  return secrets;
}

/** An API key as Supabase makes them: a long-lived HS256 JWT whose `role` claim names the database role. */
export async function signApiKey(secret: string, role: 'anon' | 'service_role'): Promise<string> {
  // Loaded here: keys are signed once per data directory, not at every start.
  const { SignJWT } = await import('jose');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('flow-desktop')
    .setIssuedAt(now)
    .setExpirationTime(now + TEN_YEARS_S)
    .sign(new TextEncoder().encode(secret));
}
