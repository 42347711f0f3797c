import pg from 'pg';

/** A database to diff against or apply to (production, staging, a teammate's stack). */
export interface TargetDatabase {
  /** The connection string as given, password included: only ever passed to the driver. */
  readonly url: string;
  /** The same without the password, for files, logs and the GUI: `postgresql://user@host:port/db`. */
  readonly display: string;
  /** `host:port/db`, what identifies the database regardless of the user. */
  readonly identity: string;
}

/** A bad `--target`, or a target that cannot be reached; the message is one line that says what to do. */
export class TargetError extends Error {}

const CONNECT_TIMEOUT_MS = 10_000;

/** Parses and checks a Postgres connection URL. */
export function parseTarget(url: string | undefined): TargetDatabase {
  if (!url)
    throw new TargetError('give the database to compare with: --target postgresql://user:pass@host/db');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TargetError(`--target is not a URL; expected postgresql://user:pass@host:port/db`);
  }
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
    throw new TargetError(`--target must be a postgresql:// URL, not ${parsed.protocol}//`);
  }
  if (!parsed.hostname) throw new TargetError('--target has no host');
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres';
  const user = decodeURIComponent(parsed.username) || 'postgres';
  const port = parsed.port || '5432';
  const identity = `${parsed.hostname}:${port}/${database}`;
  return { url, identity, display: `postgresql://${user}@${identity}` };
}

/** Connects to the target, turning the driver's failures into one line naming the target and the cause. */
export async function connectTarget(target: TargetDatabase, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: target.url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: applicationName,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error: unknown) {
    await client.end().catch(() => undefined);
    throw new TargetError(`cannot connect to ${target.display}: ${describeConnectError(error)}`);
  }
  return client;
}

/** The cause of a failed connection in words, with the driver's code. */
export function describeConnectError(error: unknown): string {
  const e = error as { code?: string; message?: string };
  const message = (e.message ?? String(error)).split('\n')[0] ?? '';
  switch (e.code ?? '') {
    case 'ECONNREFUSED':
      return 'connection refused (nothing listens on that host and port)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `the host is unreachable (${e.code})`;
    case '28P01':
      return `${message} (check the password in --target)`;
    case '3D000':
      return message;
    default:
      if (/timeout/i.test(message)) return `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`;
      return e.code ? `${message} (${e.code})` : message;
  }
}

/** The server's version as `PostgreSQL 17.2`, and its number for feature checks. */
export async function serverVersion(client: pg.Client): Promise<{ text: string; num: number }> {
  const { rows } = await client.query<{ v: string; n: string }>(
    `select current_setting('server_version') as v, current_setting('server_version_num') as n`,
  );
  const row = rows[0];
  return { text: `PostgreSQL ${row?.v.split(' ')[0] ?? '?'}`, num: Number(row?.n ?? 0) };
}
