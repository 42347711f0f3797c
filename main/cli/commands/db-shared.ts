import path from 'node:path';

import { CleanupStack } from '../../db-tools/cleanup-stack.js';
import { defaultPendingDir } from '../../db-tools/pending-dir.js';
import type { StackConfig } from '../../stack/stack-config.js';
import type { StackFlags } from '../stack-options.js';

/** "1 statement", "3 statements". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Flags every `db` command takes besides the stack flags. */
export interface DbFlags extends StackFlags {
  readonly migrationsDir?: string;
}

/** Where the `db` commands read and write. */
export interface DbPaths {
  /** Holds bootstrap/: the embedded Supabase the migrations run on. */
  readonly supabaseDir: string;
  readonly migrationsDir: string;
  /** Reviewed statements for production, committed with the change that needed them. */
  readonly pendingDir: string;
}

/**
 * The folders of the project (`FLOW_DESKTOP_SUPABASE_DIR` or supabase/), with the flags' overrides; pending
 * files go to the data directory when the SQL is a packaged app's read-only copy (see pending-dir.ts).
 */
export function dbPaths(config: StackConfig, flags: DbFlags & { pendingDir?: string }): DbPaths {
  return {
    supabaseDir: config.supabaseDir,
    migrationsDir: path.resolve(flags.migrationsDir ?? path.join(config.supabaseDir, 'migrations')),
    pendingDir: path.resolve(flags.pendingDir ?? defaultPendingDir(config)),
  };
}

/**
 * Runs `work` with a cleanup stack that runs when it ends, and also on Ctrl-C or SIGTERM (then exit 130), so
 * an interrupted run leaves no scratch database or temporary cluster behind.
 */
export async function withCleanup<T>(work: (cleanup: CleanupStack) => Promise<T>): Promise<T> {
  const cleanup = new CleanupStack();
  const interrupt = (): void => {
    process.stderr.write('flow-desktop: interrupted; cleaning up\n');
    void cleanup.run().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    return await work(cleanup);
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await cleanup.run();
  }
}
