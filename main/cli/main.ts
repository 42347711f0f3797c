// Entry point of the `flow-desktop` CLI (built to out/main/cli.mjs; bin/flow-desktop.js runs it). Kept to
// what every call needs: the command definitions; each command's module loads when it runs.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { PROJECT_ROOT } from '../stack/project-paths.js';
import { cliProgram } from './program.js';

const { version } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  version: string;
};

await cliProgram(version).parseAsync(process.argv);
