import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { DatabaseTestReport, DatabaseTestResult } from '../../shared/control-api.js';

/** Where the database tests and their runner live in a development checkout. */
export interface DatabaseTestSetup {
  readonly projectRoot: string;
  readonly testsDir: string;
  readonly vitest: string;
}

/**
 * The database tests (supabase/tests, vitest files against real Postgres) and the vitest that runs them;
 * null in a packaged app, which ships neither.
 */
export function findDatabaseTests(projectRoot: string): DatabaseTestSetup | null {
  const testsDir = path.join(projectRoot, 'supabase', 'tests');
  const vitest = path.join(projectRoot, 'node_modules', 'vitest', 'vitest.mjs');
  return existsSync(testsDir) && existsSync(vitest) ? { projectRoot, testsDir, vitest } : null;
}

/**
 * Runs the database tests with vitest's JSON reporter next to its normal one (whose output goes to `out`)
 * and returns the results. A failing test is a result, not an error; a runner that produces no report is.
 */
export async function runDatabaseTests(
  setup: DatabaseTestSetup,
  out: NodeJS.WritableStream,
): Promise<DatabaseTestReport> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-db-tests-'));
  const reportFile = path.join(scratch, 'report.json');
  const started = Date.now();
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          setup.vitest,
          'run',
          path.relative(setup.projectRoot, setup.testsDir),
          '--reporter=default',
          '--reporter=json',
          `--outputFile.json=${reportFile}`,
        ],
        {
          cwd: setup.projectRoot,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, FORCE_COLOR: '0' },
        },
      );
      child.stdout.pipe(out, { end: false });
      child.stderr.pipe(out, { end: false });
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (!existsSync(reportFile))
      throw new Error(`the database tests did not run (vitest exited with ${code})`);
    return toReport(JSON.parse(readFileSync(reportFile, 'utf8')) as VitestJson, setup.projectRoot, started);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The parts of vitest's (Jest-compatible) JSON report we use. */
export interface VitestJson {
  readonly startTime?: number;
  readonly testResults: readonly {
    readonly name: string;
    readonly assertionResults: readonly {
      readonly fullName: string;
      readonly status: string;
      readonly duration?: number | null;
      readonly failureMessages?: readonly string[];
    }[];
  }[];
}

/** Turns vitest's JSON report into the report the GUI shows. */
export function toReport(json: VitestJson, projectRoot: string, startedMs: number): DatabaseTestReport {
  const tests: DatabaseTestResult[] = json.testResults.flatMap((file) =>
    file.assertionResults.map((t) => ({
      file: path.relative(projectRoot, file.name),
      name: t.fullName,
      status: t.status === 'passed' ? 'passed' : t.status === 'failed' ? 'failed' : 'skipped',
      durationMs: t.duration ?? null,
      failure: t.failureMessages?.length ? (t.failureMessages[0]?.split('\n')[0] ?? null) : null,
    })),
  );
  return {
    at: new Date(json.startTime ?? startedMs).toISOString(),
    durationMs: Date.now() - startedMs,
    passed: tests.filter((t) => t.status === 'passed').length,
    failed: tests.filter((t) => t.status === 'failed').length,
    skipped: tests.filter((t) => t.status === 'skipped').length,
    tests,
  };
}
