import pg from 'pg';

/**
 * How long opening a connection, or waiting for a free one, may take before the request fails (503 or
 * 504). A database that accepts TCP but never answers must not hold requests for long.
 */
export const CONNECT_TIMEOUT_MS = 3000;

// Clients whose connection failed while they were checked out: the request using one answers 503, and it
// goes back to the pool as broken (the pool then closes it and opens a fresh one for the next request).
const lost = new WeakSet<pg.ClientBase>();

/** Whether a client's connection failed (an error or end event) since it was opened. */
export function connectionLost(client: pg.ClientBase): boolean {
  return lost.has(client);
}

/**
 * A pg pool that never lets a connection failure end the process. pg-pool listens for errors only on idle
 * clients; a checked-out client whose connection drops (Postgres restarted, pg_terminate_backend) emits
 * 'error' with no listener, which is an uncaught exception. Every client gets a listener of its own for
 * its whole life, which marks it lost. Connection attempts and waits for a client time out after
 * CONNECT_TIMEOUT_MS, and TCP keepalive finds connections that died silently.
 */
export function createPool(config: pg.PoolConfig, name: string, log: (text: string) => void): pg.Pool {
  const pool = new pg.Pool({
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    ...config,
  });
  pool.on('connect', (client) => {
    client.on('error', (error) => {
      if (!lost.has(client)) log(`${name} connection lost: ${error.message}`);
      lost.add(client);
    });
    client.on('end', () => lost.add(client));
  });
  // The pool removes an idle client that fails and re-emits its error here (already logged above).
  pool.on('error', () => undefined);
  return pool;
}
