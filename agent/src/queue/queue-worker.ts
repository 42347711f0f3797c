import type pg from 'pg';

import type { AgentConfig } from '../config.js';
import type { QueueRow } from '../jobs/job-rows.js';
import { JobLog, type LogSink } from '../logs/log-sink.js';
import { errorMessage, type JobHandler } from './job-handler.js';
import { WakeableDelay } from './wakeable-delay.js';

// Deadlocks and serialization failures are how Postgres resolves two jobs locking the same live specs in
// different orders: the loser's transaction is gone, its row is queued again, so it is simply retried.
const TRANSIENT_SQLSTATES = new Set(['40P01', '40001', '55P03']);

/** Hooks for tests and benchmarks. */
export interface WorkerHooks {
  /** Called when a job was dequeued, before its handler runs. */
  readonly onJobStart?: (table: string, row: QueueRow) => void;
  readonly onJobDone?: (table: string, row: QueueRow, statusType: string) => void;
}

/**
 * The loop of one handler in one agent: take the oldest queued row in a transaction (`for update skip locked`,
 * so agents never wait on each other), run the handler in that transaction, write the status, commit. If the
 * process dies, Postgres rolls the transaction back and the row is queued for another agent.
 */
export class QueueWorker {
  private readonly delay = new WakeableDelay();
  private stopping = false;
  private loop: Promise<void> | null = null;
  private readonly abort = new AbortController();

  constructor(
    private readonly handler: JobHandler,
    private readonly pool: pg.Pool,
    private readonly sink: LogSink,
    private readonly config: AgentConfig,
    private readonly log: (text: string) => void,
    private readonly hooks: WorkerHooks = {},
  ) {}

  /** Starts polling. */
  start(): void {
    this.loop ??= this.run();
  }

  /** A hint that a row may be queued. */
  wake(): void {
    this.delay.wake();
  }

  /** Stops taking rows and waits for the current job (up to the shutdown timeout, then abandons it). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.delay.wake();
    if (!this.loop) return;
    const timer = setTimeout(
      () => this.abort.abort(new Error('agent is shutting down')),
      this.config.shutdownTimeoutMs,
    );
    await this.loop;
    clearTimeout(timer);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let worked = false;
      try {
        worked = await this.runOne();
      } catch (error: unknown) {
        // Connection trouble and the like: never let the loop die, back off a little.
        this.log(`${this.handler.table}: ${errorMessage(error)}`);
        await this.delay.sleep(500);
      }
      if (!worked && !this.stopping) await this.delay.sleep(this.config.pollIntervalMs);
    }
  }

  /** Processes one queued row, if any; true when a row was taken. */
  private async runOne(): Promise<boolean> {
    const client = await this.pool.connect();
    let release: Error | undefined;
    try {
      await client.query('begin');
      const { rows } = await client.query<QueueRow>(this.handler.dequeueSql);
      const row = rows[0];
      if (!row) {
        await client.query('commit');
        return false;
      }
      this.hooks.onJobStart?.(this.handler.table, row);
      const log = new JobLog(this.sink, row.logs_token);
      log.info(`${this.config.name} started ${this.handler.table} job ${row.id}`);
      let status;
      try {
        status = await this.handler.run({
          client,
          row,
          log,
          signal: this.abort.signal,
          config: this.config,
          pool: this.pool,
        });
      } catch (error: unknown) {
        await client.query('rollback').catch(() => undefined);
        if (isTransient(error)) {
          log.info(`retrying after a transient database error: ${errorMessage(error)}`);
          await this.sink.flush();
          return true;
        }
        if (this.abort.signal.aborted) {
          // Abandoned at shutdown: rolled back, so another agent (or we, next time) runs it again.
          log.info(`abandoned (${errorMessage(error)}); the job stays queued`);
          await this.sink.flush();
          return true;
        }
        status = this.handler.failureStatus(error);
        log.info(`failed: ${errorMessage(error)}`);
        await this.sink.flush();
        await this.recordFailure(row.id, status);
        this.hooks.onJobDone?.(this.handler.table, row, status.type);
        return true;
      }
      log.info(`finished with status ${status.type}`);
      // Logs first, so whoever sees the final status can also read the whole log.
      await this.sink.flush();
      await client.query(
        `update ${this.handler.table} set job_status = $1::jsonb, updated_at = now() where id = $2`,
        [JSON.stringify(status), row.id],
      );
      await client.query('commit');
      this.hooks.onJobDone?.(this.handler.table, row, status.type);
      if (this.handler.afterCommit) {
        await this.handler.afterCommit({ pool: this.pool, row, status }).catch((error: unknown) => {
          this.log(`${this.handler.table} ${row.id}: after commit: ${errorMessage(error)}`);
        });
      }
      return true;
    } catch (error: unknown) {
      release = error instanceof Error ? error : new Error(String(error));
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      // A connection that failed mid-transaction is discarded rather than reused.
      client.release(release);
    }
  }

  /** Marks a row failed in its own transaction, unless another agent has taken it meanwhile. */
  private async recordFailure(id: string, status: object): Promise<void> {
    const table = this.handler.table;
    await this.pool.query(
      `update ${table} set job_status = $1::jsonb, updated_at = now()
       where id = (select id from ${table} where id = $2 and job_status->>'type' = 'queued' for update skip locked)`,
      [JSON.stringify(status), id],
    );
  }
}

function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_SQLSTATES.has(code);
}
