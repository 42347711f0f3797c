// `npm run docs:cli`: writes the CLI reference of docs/cli.md from the command definitions
// (main/cli/program.ts); `--check` fails when the file is stale instead (main/cli/cli-reference.test.ts runs it).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { cliReference, withReference } from '../main/cli/cli-reference.js';
import { cliProgram } from '../main/cli/program.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const file = path.join(ROOT, 'docs', 'cli.md');
const current = readFileSync(file, 'utf8');
const next = withReference(current, cliReference(cliProgram('0.0.0')));
if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error('docs/cli.md is stale: run `npm run docs:cli`');
    process.exitCode = 1;
  }
} else if (next !== current) {
  writeFileSync(file, next);
  console.log('docs/cli.md updated');
} else console.log('docs/cli.md is up to date');
