import type pg from 'pg';

import type { AgentConfig } from '../config.js';
import type { JobStatus } from '../jobs/job-status.js';
import type { QueueRow } from '../jobs/job-rows.js';
import type { JobLog } from '../logs/log-sink.js';

/** The queue tables; each is also the NOTIFY channel its trigger uses. */
export type QueueTable = 'publications' | 'connector_tags' | 'discovers' | 'applied_directives';

/** What a handler gets for one job. */
export interface JobContext<Row extends QueueRow> {
  /** The job's transaction (the row is locked in it); everything written here commits with the status. */
  readonly client: pg.PoolClient;
  readonly row: Row;
  readonly log: JobLog;
  /** Fires when the job is abandoned (shutdown timed out): kill child processes and give up. */
  readonly signal: AbortSignal;
  readonly config: AgentConfig;
  /** The agent's pool, for work that must commit separately from the job. */
  readonly pool: pg.Pool;
}

/** One kind of job: how to dequeue it and how to run it. */
export interface JobHandler<Row extends QueueRow = QueueRow> {
  readonly table: QueueTable;
  /**
   * Selects the oldest queued row (locked `for update skip locked`); $1 is unused by most. A constant: no user
   * input is ever spliced into it.
   */
  readonly dequeueSql: string;
  /** Runs the job inside its transaction and returns the status to commit. */
  run(ctx: JobContext<Row>): Promise<JobStatus>;
  /** The status recorded when `run` throws unexpectedly (after rolling back). */
  failureStatus(error: unknown): JobStatus;
  /** Work after the job committed (in its own transactions). */
  afterCommit?(ctx: { readonly pool: pg.Pool; readonly row: Row; readonly status: JobStatus }): Promise<void>;
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
