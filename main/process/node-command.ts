import type { ProcessCommand } from '../supervisor/service-spec.js';

/** A child process running a TypeScript entry point of this project with Node and the tsx loader. */
export function tsNodeCommand(
  entry: string,
  args: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
): ProcessCommand {
  return { file: process.execPath, args: ['--import', 'tsx', entry, ...args], env };
}
