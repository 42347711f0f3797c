import type pg from 'pg';

import { isDatabaseUnavailable, serverEndedSession } from './connection-failure.js';
import { connectionLost } from './pool.js';

/**
 * The database could not be reached, or the connection broke under the work and the work could not be
 * retried safely (it may have committed). Callers answer 503: the next request gets a fresh connection.
 */
export class DatabaseUnavailableError extends Error {
  constructor(readonly failure: unknown) {
    super(`database unavailable: ${failure instanceof Error ? failure.message : String(failure)}`);
  }
}

/** Where a piece of work stands, so that a failure can tell whether it may have committed. */
interface WorkState {
  /** COMMIT was sent (a transaction) or the statement was (a single query): it may have taken effect. */
  sent: boolean;
}

/** The SQL runner the Auth stores use: single statements and transactions on a pool. */
export interface Db {
  /** Runs one statement in its own transaction. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<pg.QueryResult<R>>;
  /** Runs `work` between `begin` (default BEGIN) and COMMIT, rolled back when it throws. */
  transaction<T>(work: (client: pg.ClientBase) => Promise<T>, begin?: string): Promise<T>;
}

// node-postgres's words for a query on a client whose connection had already failed: it was never sent.
const NEVER_SENT = /^Client has encountered a connection error and is not queryable/;

/**
 * A Db over a pool made by createPool that survives connections the server ends (pg_terminate_backend, a
 * Postgres restart). A client found dead when taken from the pool is closed and another taken. When a
 * connection fails under the work, the client is closed (never reused), and the work runs once more on a
 * fresh connection if it cannot have taken effect: the server said it ended the session (57P01/57P02/57P03,
 * which aborts the open transaction), the statement was never sent, or a transaction failed before its
 * COMMIT was sent. Otherwise, or when the second attempt fails too, it throws DatabaseUnavailableError.
 */
export class RetryingDb implements Db {
  constructor(
    private readonly pool: pg.Pool,
    private readonly name: string,
    private readonly log: (text: string) => void = () => undefined,
  ) {}

  /** Runs one statement in its own transaction. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    return this.run((client, state) => {
      state.sent = true;
      return client.query<R>(sql, params as unknown[]);
    });
  }

  /** Runs `work` between `begin` (default BEGIN) and COMMIT, rolled back when it throws. */
  transaction<T>(work: (client: pg.ClientBase) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    return this.run(async (client, state) => {
      await client.query(begin);
      let value: T;
      try {
        value = await work(client);
      } catch (error: unknown) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      state.sent = true;
      await client.query('COMMIT');
      return value;
    });
  }

  private async run<T>(work: (client: pg.PoolClient, state: WorkState) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.acquire();
      const state: WorkState = { sent: false };
      try {
        const value = await work(client, state);
        client.release(connectionLost(client) ? true : undefined);
        return value;
      } catch (error: unknown) {
        const failed = isDatabaseUnavailable(error);
        client.release(failed || connectionLost(client) ? true : undefined);
        if (!failed) throw error;
        const safe =
          serverEndedSession(error) ||
          !state.sent ||
          (error instanceof Error && NEVER_SENT.test(error.message));
        if (attempt > 0 || !safe) throw new DatabaseUnavailableError(error);
        this.log(
          `${this.name}: connection lost (${(error as Error).message}); retrying on a fresh connection`,
        );
      }
    }
  }

  /** A client whose connection is alive as far as we know; dead ones found in the pool are closed. */
  private async acquire(): Promise<pg.PoolClient> {
    // Every idle client may have died at once (a restart): one more than the pool holds is enough.
    const tries = (this.pool.options.max ?? 10) + 1;
    for (let i = 0; ; i++) {
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (error: unknown) {
        throw new DatabaseUnavailableError(error);
      }
      if (!connectionLost(client)) return client;
      client.release(true);
      if (i + 1 >= tries) throw new DatabaseUnavailableError(new Error('every pooled connection was lost'));
    }
  }
}
