import path from 'node:path';

import type { StackConfig } from '../stack/stack-config.js';
import { PACKAGED_SUPABASE_DIR } from '../stack/project-paths.js';

/**
 * Where `db diff` writes pending files unless told (`--pending-dir`), and where the Migrations page lists them:
 * the project's `supabase/pending/` when the SQL comes from a project (a checkout, or
 * `FLOW_DESKTOP_SUPABASE_DIR`), else — a packaged app reading its own read-only resources — the data
 * directory's `pending/`, the one place such an app may write.
 */
export function defaultPendingDir(
  config: Pick<StackConfig, 'supabaseDir' | 'layout'>,
  packagedSupabaseDir: string | null = PACKAGED_SUPABASE_DIR,
): string {
  const fromResources =
    packagedSupabaseDir !== null && path.resolve(config.supabaseDir) === path.resolve(packagedSupabaseDir);
  return fromResources ? path.join(config.layout.root, 'pending') : path.join(config.supabaseDir, 'pending');
}
