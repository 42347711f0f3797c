import { execFileSync } from 'node:child_process';

/** The unprivileged account Postgres runs as when the app runs as root (Postgres refuses to run as root). */
export interface PostgresUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

const USER_NAME = 'postgres';

/** Null when we are not root; otherwise the `postgres` system user, created if it does not exist yet. */
export function postgresUser(): PostgresUser | null {
  if (process.platform === 'win32' || process.getuid?.() !== 0) return null;
  const existing = lookup();
  if (existing) return existing;
  try {
    execFileSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', USER_NAME],
      {
        stdio: 'pipe',
      },
    );
  } catch (error: unknown) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(
      `running as root, and could not create the unprivileged "${USER_NAME}" user Postgres needs: ${stderr ?? String(error)}`,
    );
  }
  const created = lookup();
  if (!created) throw new Error(`created the "${USER_NAME}" user but cannot look it up`);
  return created;
}

function lookup(): PostgresUser | null {
  try {
    const uid = Number(execFileSync('id', ['-u', USER_NAME], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', USER_NAME], { encoding: 'utf8' }).trim());
    return { name: USER_NAME, uid, gid };
  } catch {
    return null;
  }
}
