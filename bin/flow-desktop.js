#!/usr/bin/env node
// The `flow-desktop` command: runs the CLI `npm run build` made (out/main/cli.mjs), with plain Node.
//
// In a checkout (scripts/build.ts exists), a build older than its sources is remade first, only the parts
// that changed (about a second for the Node bundles; the GUI only for commands that serve it), so editing a
// source and running the command runs the edit. A packaged app has no sources and never compiles.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'out', 'main', 'cli.mjs');
const builder = path.join(root, 'scripts', 'build.ts');

if (existsSync(builder)) {
  const { staleReason } = await import('../scripts/build/freshness.js');
  const [command] = process.argv.slice(2);
  const servesGui = command === 'serve' || process.argv.includes('--gui');
  const stale =
    staleReason(root, path.join(root, 'out', 'main')) !== null ||
    (servesGui && staleReason(root, path.join(root, 'out', 'renderer')) !== null);
  if (stale) {
    const args = ['--import', 'tsx', builder, '--if-stale', ...(servesGui ? [] : ['--node'])];
    // Progress goes to stderr: stdout stays the command's own (--json).
    const built = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 2, 2] });
    if (built.status !== 0) {
      process.stderr.write(
        'flow-desktop: the build failed (above); fix it, or run `npm run build` to retry\n',
      );
      process.exit(1);
    }
  }
}
if (!existsSync(cli)) {
  process.stderr.write(`flow-desktop: ${cli} is missing; run \`npm run build\`\n`);
  process.exit(1);
}
await import(pathToFileURL(cli).href);
