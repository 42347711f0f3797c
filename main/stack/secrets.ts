import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { SignJWT } from 'jose';

/** Secrets of one data directory, generated on first start and kept with owner-only permissions. */
export interface StackSecrets {
  readonly jwtSecret: string;
  readonly anonKey: string;
  readonly serviceRoleKey: string;
  /** Password of the cluster superuser `supabase_admin`; users connect as `postgres:postgres`. */
  readonly superuserPassword: string;
}

const TEN_YEARS_S = 10 * 365 * 24 * 3600;

/** Loads the data directory's secrets, creating them on first use. */
export async function loadOrCreateSecrets(file: string): Promise<StackSecrets> {
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<StackSecrets>;
    if (parsed.jwtSecret && parsed.anonKey && parsed.serviceRoleKey && parsed.superuserPassword) {
      return parsed as StackSecrets;
    }
  }
  const jwtSecret = randomBytes(32).toString('base64url');
  const secrets: StackSecrets = {
    jwtSecret,
    anonKey: await signApiKey(jwtSecret, 'anon'),
    serviceRoleKey: await signApiKey(jwtSecret, 'service_role'),
    superuserPassword: randomBytes(18).toString('base64url'),
  };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}

/** An API key as Supabase makes them: a long-lived HS256 JWT whose `role` claim names the database role. */
export async function signApiKey(secret: string, role: 'anon' | 'service_role'): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('flow-desktop')
    .setIssuedAt(now)
    .setExpirationTime(now + TEN_YEARS_S)
    .sign(new TextEncoder().encode(secret));
}
