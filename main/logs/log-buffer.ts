import type { LogLine } from '../../shared/stack-events.js';

/** A bounded in-memory buffer of the latest log lines of one service. */
export class LogBuffer {
  private readonly lines: LogLine[] = [];

  constructor(private readonly capacity: number) {}

  push(line: LogLine): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  /** The last `n` lines (all kept lines when n is omitted). */
  tail(n?: number): LogLine[] {
    return n === undefined ? [...this.lines] : this.lines.slice(Math.max(0, this.lines.length - n));
  }
}
