// `npm run bench`: runs every scripts/bench/*-bench.ts section (or the ones named as arguments) and prints
// medians with their spread. Each section exports `run(): Promise<Measurement[]>` and cleans up after itself.
import { readdirSync } from 'node:fs';
import path from 'node:path';

import { buildApp } from './build/build-app.js';
import { formatMeasurement, type Measurement } from './bench/stats.js';

const dir = path.join(import.meta.dirname, 'bench');
const wanted = process.argv.slice(2);
const sections = readdirSync(dir)
  .filter((f) => f.endsWith('-bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

// The benchmarks measure the built app (the CLI and the services run from out/): bring it up to date first.
await buildApp(path.resolve(import.meta.dirname, '..'), { log: (line) => console.log(line) });
console.log(`Flow Desktop benchmarks on ${process.platform}-${process.arch}, Node ${process.version}`);
let failed = false;
for (const file of sections) {
  const name = file.replace(/-bench\.ts$/, '');
  console.log(`\n## ${name}`);
  const section = (await import(path.join(dir, file))) as {
    run: (log: (text: string) => void) => Promise<Measurement[]>;
  };
  try {
    const results = await section.run((text) => console.log(`  · ${text}`));
    for (const m of results) console.log(formatMeasurement(m));
  } catch (error: unknown) {
    failed = true;
    console.error(`section ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
process.exitCode = failed ? 1 : 0;
