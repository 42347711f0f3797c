import path from 'node:path';
import { createInterface } from 'node:readline/promises';

import { ApplyRefused, applyPendingFile, type ApplyPlan } from '../../db-tools/apply-pending.js';
import { DbToolsState } from '../../db-tools/db-tools-state.js';
import { streamProgress } from '../../db-tools/progress.js';
import { parseTarget } from '../../db-tools/target-database.js';
import { CliError } from '../cli-error.js';
import { print, printJson } from '../output.js';
import { configFromFlags, type StackFlags } from '../stack-options.js';
import { count, withCleanup } from './db-shared.js';

/** Flags of `db apply`. */
export interface DbApplyFlags extends StackFlags {
  readonly target?: string;
  readonly yes?: boolean;
}

/**
 * `flow-desktop db apply --target <url> <file>`: applies one pending file in a transaction after an explicit
 * confirmation (a y/N prompt, or --yes), and records it in the target and in this data directory.
 */
export async function dbApplyCommand(file: string, flags: DbApplyFlags): Promise<void> {
  const config = configFromFlags(flags);
  const target = parseTarget(flags.target);
  const full = path.resolve(file);
  let result: Awaited<ReturnType<typeof applyPendingFile>>;
  try {
    result = await withCleanup((cleanup) =>
      applyPendingFile({
        file: full,
        target,
        confirm: (plan) => confirm(plan, flags),
        progress: streamProgress(process.stderr),
        cleanup,
      }),
    );
  } catch (error: unknown) {
    if (error instanceof ApplyRefused) throw new CliError(error.message);
    throw error;
  }
  if (!result) throw new CliError('not applied (cancelled)');
  new DbToolsState(config.layout.root).recordApplied({
    file: result.file,
    checksum: result.checksum,
    target: result.target,
    at: result.at,
  });
  if (flags.json) {
    printJson(result);
    return;
  }
  print(
    `Applied ${result.file} to ${result.target}: ${count(result.statements, 'statement')} in ${(result.elapsedMs / 1000).toFixed(2)}s; recorded in supabase_migrations.applied_pending_files.`,
  );
  print('Run `flow-desktop db diff` against it again to confirm that nothing is left.');
}

async function confirm(plan: ApplyPlan, flags: DbApplyFlags): Promise<boolean> {
  const { parsed } = plan;
  const out = (line: string): void => {
    // With --json, stdout is the result alone: the plan goes to stderr.
    (flags.json ? process.stderr : process.stdout).write(`${line}\n`);
  };
  out(`${plan.file.fileName} → ${plan.target.display} (${plan.targetServer}):`);
  out(`  ${count(parsed.statements.length, 'statement')}, ${parsed.destructive.length} destructive`);
  for (const d of parsed.destructive) out(`    ${d.split('\n')[0] ?? d}`);
  if (parsed.noise.length > 0)
    out(`  ${count(parsed.noise.length, 'noise line')} stay commented out (not applied)`);
  if (flags.yes) return true;
  if (!process.stdin.isTTY) {
    throw new CliError(
      `applying changes ${plan.target.display}; run in a terminal to confirm, or pass --yes`,
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await new Promise<string>((resolve) => {
    // Ctrl-C at the prompt (the terminal is in raw mode, so it is no signal) answers no.
    rl.once('SIGINT', () => resolve(''));
    rl.question(`Apply to ${plan.target.display}? [y/N] `).then(resolve, () => resolve(''));
  });
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}
