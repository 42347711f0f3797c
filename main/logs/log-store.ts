import path from 'node:path';

import type { LogLine } from '../../shared/stack-events.js';
import { LogBuffer } from './log-buffer.js';
import { RotatingLogFile } from './rotating-log-file.js';

/** Per-service logs: a bounded in-memory buffer for the GUI and CLI, and a rotating file on disk. */
export class LogStore {
  private seq = 0;
  private readonly buffers = new Map<string, LogBuffer>();
  private readonly files = new Map<string, RotatingLogFile>();

  constructor(
    private readonly logDir: string,
    private readonly onLine: (line: LogLine) => void,
    private readonly capacity = 2000,
  ) {}

  /** Records one line of a service and returns it. */
  append(service: string, stream: LogLine['stream'], text: string): LogLine {
    const line: LogLine = { seq: ++this.seq, at: new Date().toISOString(), service, stream, text };
    this.buffer(service).push(line);
    this.file(service).write(formatLogFileLine(line));
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

  private buffer(service: string): LogBuffer {
    let buffer = this.buffers.get(service);
    if (!buffer) {
      buffer = new LogBuffer(this.capacity);
      this.buffers.set(service, buffer);
    }
    return buffer;
  }

  private file(service: string): RotatingLogFile {
    let file = this.files.get(service);
    if (!file) {
      file = new RotatingLogFile(this.filePath(service));
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
