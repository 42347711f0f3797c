import pg from 'pg';

import type { AgentConfig } from './config.js';
import { connectorTagsHandler } from './handlers/connector-tags/connector-tags-handler.js';
import { directivesHandler } from './handlers/directives/directives-handler.js';
import { discoversHandler } from './handlers/discovers/discovers-handler.js';
import { publicationsHandler } from './handlers/publications/publications-handler.js';
import { LogSink } from './logs/log-sink.js';
import { errorMessage, type JobHandler } from './queue/job-handler.js';
import { QueueListener } from './queue/queue-listener.js';
import { QueueWorker, type WorkerHooks } from './queue/queue-worker.js';

/** The handlers an agent runs, one worker loop each. */
export function allHandlers(): JobHandler[] {
  return [publicationsHandler, connectorTagsHandler, discoversHandler, directivesHandler];
}

/**
 * One agent instance: a pool, a LISTEN connection and a worker per queue table. Several instances (in one
 * process or many) share the queue safely.
 */
export class Agent {
  private readonly pool: pg.Pool;
  private readonly sink: LogSink;
  private readonly workers = new Map<string, QueueWorker>();
  private readonly listener: QueueListener;

  constructor(
    readonly config: AgentConfig,
    private readonly log: (text: string) => void = (t) => console.log(`[${config.name}] ${t}`),
    hooks: WorkerHooks = {},
    handlers: readonly JobHandler[] = allHandlers(),
  ) {
    // One connection per worker plus one for log batches and one spare.
    this.pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: handlers.length + 2,
      application_name: `flow-${config.name}`,
    });
    this.pool.on('error', (error) => this.log(`idle connection: ${error.message}`));
    this.sink = new LogSink(this.pool, (error) => this.log(`writing logs: ${errorMessage(error)}`));
    const traced = config.logLevel === 'debug' ? withTrace(hooks, this.log) : hooks;
    for (const handler of handlers) {
      this.workers.set(
        handler.table,
        new QueueWorker(handler, this.pool, this.sink, config, this.log, traced),
      );
    }
    this.listener = new QueueListener(
      config.databaseUrl,
      [...this.workers.keys()],
      (channel) => this.workers.get(channel)?.wake(),
      this.log,
    );
  }

  /** Connects the listener and starts every worker. */
  async start(): Promise<void> {
    const mode = this.config.binDir
      ? `Flow binaries from ${this.config.binDir}`
      : 'control-plane-only mode (no Flow binaries: builds, tests and activations are skipped)';
    this.log(`starting: ${mode}`);
    await this.listener.start();
    for (const worker of this.workers.values()) worker.start();
  }

  /** Graceful shutdown: no new jobs, running ones finish (bounded), logs flushed, connections closed. */
  async stop(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
    await this.listener.stop();
    await this.sink.flush();
    await this.pool.end();
  }
}

/** With --log-level debug, every job start and end goes to the process log too (job logs always get them). */
function withTrace(hooks: WorkerHooks, log: (text: string) => void): WorkerHooks {
  return {
    onJobStart: (table, row) => {
      log(`${table} ${row.id}: started`);
      hooks.onJobStart?.(table, row);
    },
    onJobDone: (table, row, type) => {
      log(`${table} ${row.id}: ${type}`);
      hooks.onJobDone?.(table, row, type);
    },
  };
}
