import { appendFileSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * An append-only log file that rotates at `maxBytes` (file.log → file.log.1 → ... → file.log.N).
 * Writes are synchronous: log volume is low and a crash must not lose the lines that explain it.
 */
export class RotatingLogFile {
  private size: number;

  constructor(
    readonly filePath: string,
    private readonly maxBytes = 5 * 1024 * 1024,
    private readonly keep = 3,
  ) {
    mkdirSync(path.dirname(filePath), { recursive: true });
    this.size = existsSync(filePath) ? statSync(filePath).size : 0;
  }

  /** Appends one line (a newline is added). */
  write(line: string): void {
    const data = line.endsWith('\n') ? line : `${line}\n`;
    if (this.size + data.length > this.maxBytes && this.size > 0) this.rotate();
    appendFileSync(this.filePath, data);
    this.size += Buffer.byteLength(data);
  }

  private rotate(): void {
    for (let i = this.keep - 1; i >= 1; i--) {
      const from = `${this.filePath}.${i}`;
      if (existsSync(from)) renameSync(from, `${this.filePath}.${i + 1}`);
    }
    renameSync(this.filePath, `${this.filePath}.1`);
    this.size = 0;
  }
}
