import path from 'node:path';

import type { LogLine } from '../../shared/stack-events.js';
import type { StackProblem } from '../../shared/stack-status.js';
import { LogBuffer } from './log-buffer.js';
import { RotatingLogFile } from './rotating-log-file.js';

/** Tuning of a log store; the defaults suit the supervisor. */
export interface LogStoreOptions {
  /** Lines kept in memory per service. */
  readonly capacity?: number;
  /** While the disk refuses lines: how often to try again, and how many lines to hold for it. */
  readonly retryMs?: number;
  readonly maxPendingLines?: number;
  /** Opens a service's log file (a test can hand in a failing one). */
  readonly openFile?: (filePath: string) => { write(line: string): void };
}

interface PendingLine {
  readonly service: string;
  readonly text: string;
}

/** Why lines cannot reach the disk right now. */
interface DiskTrouble {
  readonly code: string;
  readonly detail: string;
  readonly since: string;
  dropped: number;
  readonly services: Set<string>;
}

/**
 * Per-service logs: a bounded in-memory buffer for the GUI and CLI, and a rotating file on disk. The disk can
 * fail (full, read-only, gone): logging then never throws. Lines keep flowing to memory and to listeners, the
 * ones the disk refused wait (up to a bound, then the oldest are dropped and counted) and are written, with a
 * note saying what happened, once the disk takes lines again; meanwhile the trouble is a stack problem.
 */
export class LogStore {
  private seq = 0;
  private readonly buffers = new Map<string, LogBuffer>();
  private readonly files = new Map<string, { write(line: string): void }>();
  private readonly pending: PendingLine[] = [];
  private trouble: DiskTrouble | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly capacity: number;
  private readonly retryMs: number;
  private readonly maxPendingLines: number;
  private readonly openFile: (filePath: string) => { write(line: string): void };

  constructor(
    private readonly logDir: string,
    private readonly onLine: (line: LogLine) => void,
    /** Called when writing starts failing (with the problem) and when it works again (with null). */
    private readonly onProblem: (problem: StackProblem, resolved: boolean) => void = () => undefined,
    options: LogStoreOptions = {},
  ) {
    this.capacity = options.capacity ?? 2000;
    this.retryMs = options.retryMs ?? 2000;
    this.maxPendingLines = options.maxPendingLines ?? 20_000;
    this.openFile = options.openFile ?? ((file) => new RotatingLogFile(file));
  }

  /** Records one line of a service and returns it. Never throws, whatever the disk does. */
  append(service: string, stream: LogLine['stream'], text: string): LogLine {
    const line: LogLine = { seq: ++this.seq, at: new Date().toISOString(), service, stream, text };
    this.buffer(service).push(line);
    this.persist(service, formatLogFileLine(line));
    this.onLine(line);
    return line;
  }

  /** The last `n` lines of one service, or of all services merged in order. */
  tail(service: string | undefined, n?: number): LogLine[] {
    if (service !== undefined) return this.buffer(service).tail(n);
    const all = [...this.buffers.values()].flatMap((b) => b.tail()).sort((a, b) => a.seq - b.seq);
    return n === undefined ? all : all.slice(Math.max(0, all.length - n));
  }

  /** The path of a service's log file. */
  filePath(service: string): string {
    return path.join(this.logDir, `${service}.log`);
  }

  /** The current trouble writing logs to disk, as a stack problem (null while the disk takes lines). */
  problem(): StackProblem | null {
    const t = this.trouble;
    if (!t) return null;
    const waiting = `${this.pending.length} line${this.pending.length === 1 ? '' : 's'} waiting`;
    const dropped = t.dropped > 0 ? `, ${t.dropped} dropped` : '';
    const diskFull = t.code === 'ENOSPC' || t.code === 'EDQUOT';
    return {
      id: diskFull ? 'disk-full' : 'log-write',
      severity: 'error',
      message: diskFull
        ? `disk full: logs cannot be written to ${this.logDir}; lines are kept in memory (${waiting}${dropped}) and written once space is freed`
        : `logs cannot be written to ${this.logDir} (${t.detail}); lines are kept in memory (${waiting}${dropped})`,
      since: t.since,
    };
  }

  /** Stops retrying (the supervisor is shutting down). */
  close(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private persist(service: string, text: string): void {
    if (this.trouble) {
      this.hold(service, text);
      return;
    }
    try {
      this.file(service).write(text);
    } catch (error: unknown) {
      this.startTrouble(error);
      this.hold(service, text);
    }
  }

  private hold(service: string, text: string): void {
    this.pending.push({ service, text });
    this.trouble?.services.add(service);
    if (this.pending.length > this.maxPendingLines) {
      this.pending.shift();
      if (this.trouble) this.trouble.dropped++;
    }
  }

  private startTrouble(error: unknown): void {
    const e = error as NodeJS.ErrnoException;
    this.trouble = {
      code: e.code ?? 'EIO',
      detail: e.message,
      since: new Date().toISOString(),
      dropped: 0,
      services: new Set(),
    };
    const problem = this.problem();
    if (problem) this.onProblem(problem, false);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    this.retryTimer = setTimeout(() => this.retry(), this.retryMs);
    // Retrying alone must not keep a process alive.
    this.retryTimer.unref();
  }

  /** Writes the held lines in order; once all are written, notes the gap in every affected file. */
  private retry(): void {
    this.retryTimer = null;
    const trouble = this.trouble;
    if (!trouble) return;
    try {
      for (let next = this.pending[0]; next; next = this.pending[0]) {
        this.file(next.service).write(next.text);
        this.pending.shift();
      }
      const note = `log lines could not be written from ${trouble.since} to ${new Date().toISOString()} (${trouble.code}); they were kept in memory and written late${trouble.dropped > 0 ? `, except ${trouble.dropped} dropped for lack of room` : ''}`;
      for (const service of trouble.services) {
        this.file(service).write(
          formatLogFileLine({
            seq: 0,
            at: new Date().toISOString(),
            service,
            stream: 'supervisor',
            text: note,
          }),
        );
      }
    } catch {
      this.scheduleRetry();
      return;
    }
    const problem = this.problem();
    this.trouble = null;
    if (problem) this.onProblem(problem, true);
  }

  private buffer(service: string): LogBuffer {
    let buffer = this.buffers.get(service);
    if (!buffer) {
      buffer = new LogBuffer(this.capacity);
      this.buffers.set(service, buffer);
    }
    return buffer;
  }

  private file(service: string): { write(line: string): void } {
    let file = this.files.get(service);
    if (!file) {
      file = this.openFile(this.filePath(service));
      this.files.set(service, file);
    }
    return file;
  }
}

const SUPERVISOR_MARK = '[supervisor] ';

/** One line of a log file: `<ISO time> [supervisor] text` for supervisor notes, `<ISO time> text` otherwise. */
export function formatLogFileLine(line: LogLine): string {
  return `${line.at} ${line.stream === 'supervisor' ? SUPERVISOR_MARK : ''}${line.text}`;
}

/** Reads back a line written by formatLogFileLine (stdout and stderr are not told apart on disk). */
export function parseLogFileLine(service: string, raw: string): LogLine {
  const space = raw.indexOf(' ');
  const rest = raw.slice(space + 1);
  const supervisor = rest.startsWith(SUPERVISOR_MARK);
  return {
    seq: 0,
    at: raw.slice(0, space),
    service,
    stream: supervisor ? 'supervisor' : 'stdout',
    text: supervisor ? rest.slice(SUPERVISOR_MARK.length) : rest,
  };
}
