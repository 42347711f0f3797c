import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { DatabaseTestReport, DiffSummary, LintReport } from '../../shared/control-api.js';

/** One application of a pending file by `db apply` from this data directory. */
export interface AppliedRecord {
  readonly file: string;
  readonly checksum: string;
  readonly target: string;
  readonly at: string;
}

/**
 * What the database tools remember per data directory, for the GUI: the last diff, the last lint, the last
 * recorded database-test run and the pending files applied from here (`<data>/db-tools/*.json`).
 */
export class DbToolsState {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'db-tools');
  }

  /** The last `db diff` result. */
  lastDiff(): DiffSummary | null {
    return this.read<DiffSummary>('last-diff.json');
  }

  /** Records a `db diff` result. */
  saveDiff(summary: DiffSummary): void {
    this.write('last-diff.json', summary);
  }

  /** The last lint result. */
  lint(): LintReport | null {
    return this.read<LintReport>('lint.json');
  }

  /** Records a lint result. */
  saveLint(report: LintReport): void {
    this.write('lint.json', report);
  }

  /** The last recorded database-test run. */
  databaseTests(): DatabaseTestReport | null {
    return this.read<DatabaseTestReport>('database-tests.json');
  }

  /** Records a database-test run. */
  saveDatabaseTests(report: DatabaseTestReport): void {
    this.write('database-tests.json', report);
  }

  /** Every pending file applied from this data directory, oldest first. */
  applied(): AppliedRecord[] {
    return this.read<AppliedRecord[]>('applied.json') ?? [];
  }

  /** Adds an application to the history. */
  recordApplied(record: AppliedRecord): void {
    this.write('applied.json', [...this.applied(), record]);
  }

  private read<T>(file: string): T | null {
    const full = path.join(this.dir, file);
    if (!existsSync(full)) return null;
    try {
      return JSON.parse(readFileSync(full, 'utf8')) as T;
    } catch {
      // A file cut short by a crash: as if it was never written.
      return null;
    }
  }

  private write(file: string, value: unknown): void {
    mkdirSync(this.dir, { recursive: true });
    const full = path.join(this.dir, file);
    const scratch = `${full}.${process.pid}.tmp`;
    writeFileSync(scratch, `${JSON.stringify(value, null, 2)}\n`);
    renameSync(scratch, full);
  }
}
