import type { StackEvent } from '../../shared/stack-events.js';

/**
 * Prints the phases of a long operation with their elapsed time. On a terminal the running phase is a live
 * line with a ticking clock; elsewhere (a log file, a pipe) each phase change is one plain line.
 */
export class ProgressPrinter {
  private readonly tty: boolean;
  private running = new Map<string, { message: string; since: number }>();
  private timer: NodeJS.Timeout | null = null;
  private readonly begun = Date.now();

  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {
    this.tty = Boolean(out.isTTY);
  }

  /** Feeds one supervisor event. */
  handle(event: StackEvent): void {
    if (event.type === 'service-restart') {
      this.line(`  ↻ ${event.service}: ${event.reason} (retry in ${event.delayMs} ms)`);
      return;
    }
    if (event.type === 'stack-operation' && event.status === 'queued') {
      this.line(`  … ${event.operation.id} ${event.message}`);
      return;
    }
    if (event.type === 'stack-problem') {
      this.line(event.resolved ? `  ✓ resolved: ${event.problem.message}` : `  ✗ ${event.problem.message}`);
      return;
    }
    if (event.type !== 'stack-phase' || event.phase === 'services') return;
    const key = `${event.operation}:${event.phase}`;
    const seconds = (event.elapsedMs / 1000).toFixed(2);
    if (event.status === 'running') {
      this.running.set(key, { message: event.message, since: Date.now() });
      if (this.tty) this.tick();
      else this.line(`  … ${event.message}`);
      return;
    }
    this.running.delete(key);
    this.line(`  ${event.status === 'done' ? '✓' : '✗'} ${event.message} (${seconds}s)`);
  }

  /** Stops the live line. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.tty) this.out.write('\r\x1b[K');
  }

  private tick(): void {
    if (this.timer) clearTimeout(this.timer);
    const current = [...this.running.values()].at(-1);
    if (!current) {
      this.out.write('\r\x1b[K');
      return;
    }
    const elapsed = ((Date.now() - this.begun) / 1000).toFixed(1);
    this.out.write(`\r\x1b[K  ⋯ ${current.message} ${elapsed}s`);
    this.timer = setTimeout(() => this.tick(), 100);
    this.timer.unref();
  }

  private line(text: string): void {
    if (this.tty) this.out.write('\r\x1b[K');
    this.out.write(`${text}\n`);
    if (this.tty && this.running.size > 0) this.tick();
  }
}
