import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { PROJECT_ROOT } from '../stack/project-paths.js';
import { cliReference, REFERENCE_END, REFERENCE_START, withReference } from './cli-reference.js';
import { cliProgram } from './program.js';

const reference = cliReference(cliProgram('0.0.0'));

describe('the CLI reference in docs/cli.md', () => {
  it('is what the command definitions generate (else: npm run docs:cli)', () => {
    const doc = readFileSync(path.join(PROJECT_ROOT, 'docs', 'cli.md'), 'utf8');
    expect(withReference(doc, reference)).toBe(doc);
  });

  it('lists every visible command with its own options, and the stack options once', () => {
    for (const command of [
      'up',
      'serve',
      'down',
      'status',
      'logs',
      'restart',
      'reset',
      'db diff',
      'db apply',
    ]) {
      expect(reference).toContain(`### \`flow-desktop ${command}\``);
    }
    expect(reference).not.toContain('supervise');
    expect(reference.match(/`--data-dir <dir>`/g)).toHaveLength(1);
    expect(reference).toContain('| `--target <url>` | the database to bring up to date');
    expect(reference).toContain('(required)');
    expect(reference).toContain('| `-o, --output <format>` | pretty, json or env (default: `pretty`) |');
  });

  it('replaces only what lies between the markers', () => {
    const doc = `intro\n${REFERENCE_START}\nold\n${REFERENCE_END}\noutro\n`;
    expect(withReference(doc, 'new')).toBe(`intro\n${REFERENCE_START}\n\nnew\n\n${REFERENCE_END}\noutro\n`);
    expect(() => withReference('no markers', 'new')).toThrow(/markers/);
  });
});
