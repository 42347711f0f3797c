import type pg from 'pg';

interface PendingLine {
  readonly token: string;
  readonly stream: string;
  readonly line: string;
}

const INSERT_LINES = `insert into internal.log_lines (token, stream, log_line)
  select * from unnest($1::uuid[], $2::text[], $3::text[])`;

/**
 * Batches job log lines into internal.log_lines. Lines are written outside the job's transaction (on the pool)
 * so that view_logs shows progress while the job runs, and a rolled-back job still leaves its explanation.
 */
export class LogSink {
  private pending: PendingLine[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: pg.Pool,
    private readonly onError: (error: unknown) => void,
    private readonly flushDelayMs = 50,
    private readonly maxBatch = 500,
  ) {}

  /** Queues one line; long output is split into lines by the caller. */
  write(token: string, stream: string, line: string): void {
    this.pending.push({ token, stream, line });
    if (this.pending.length >= this.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushDelayMs);
  }

  /** Writes everything queued so far; resolves once it is in the database. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.pending;
    this.pending = [];
    // Chained, so that batches land in the order they were written.
    this.writing = this.writing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.pool.query(INSERT_LINES, [
          batch.map((l) => l.token),
          batch.map((l) => l.stream),
          batch.map((l) => l.line),
        ]);
      } catch (error: unknown) {
        this.onError(error);
      }
    });
    return this.writing;
  }
}

/** The log of one job: its own progress lines and the output of its child processes. */
export class JobLog {
  constructor(
    private readonly sink: LogSink,
    readonly token: string,
  ) {}

  /** A progress line of the agent itself (stream `agent`). */
  info(text: string): void {
    for (const line of text.split('\n')) this.sink.write(this.token, 'agent', line);
  }

  /** A line of a child process's output, e.g. stream `build:1` for stdout of the build. */
  line(stream: string, text: string): void {
    this.sink.write(this.token, stream, text);
  }
}
