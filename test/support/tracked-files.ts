import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

import { PROJECT_ROOT } from '../../main/stack/project-paths.js';

/** The files git tracks in the checkout (paths relative to it), less those deleted in the working tree. */
export function trackedFiles(): string[] {
  const listed = spawnSync('git', ['ls-files', '-z'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  return listed.stdout.split('\0').filter((f) => f !== '' && existsSync(path.join(PROJECT_ROOT, f)));
}
