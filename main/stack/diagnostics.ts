import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { strToU8, zipSync } from 'fflate';

import type { PreflightCheck } from '../../shared/preflight.js';
import type { StackStatus } from '../../shared/stack-status.js';
import type { DataDirLayout } from './data-dir.js';
import { readSettingsLenient } from './settings-store.js';

/** What goes into a diagnostics bundle besides the logs. */
export interface DiagnosticsInput {
  readonly layout: DataDirLayout;
  readonly status: StackStatus;
  readonly preflight: readonly PreflightCheck[];
  readonly versions: Readonly<Record<string, string>>;
  /** Every secret to redact wherever it appears (keys, passwords, tokens). */
  readonly secrets: readonly string[];
}

const REDACTED = '[REDACTED]';

/**
 * Writes a zip of logs, service states, settings, pre-flight results and versions to the data directory's
 * diagnostics folder, with every secret replaced by [REDACTED]. Returns the file and its size.
 */
export function writeDiagnostics(input: DiagnosticsInput): { path: string; bytes: number } {
  const redact = (text: string): string =>
    input.secrets
      .filter((s) => s.length >= 8)
      .reduce((acc, secret) => acc.split(secret).join(REDACTED), text);
  const json = (value: unknown): Uint8Array => strToU8(redact(JSON.stringify(value, null, 2)));
  const files: Record<string, Uint8Array> = {
    'status.json': json(input.status),
    'settings.json': json(readSettingsLenient(input.layout.settingsFile)),
    'preflight.json': json(input.preflight),
    'versions.json': json({
      ...input.versions,
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      os: `${os.type()} ${os.release()}`,
      createdAt: new Date().toISOString(),
    }),
  };
  if (existsSync(input.layout.logs)) {
    for (const name of readdirSync(input.layout.logs)) {
      if (!/\.log(\.1)?$/.test(name)) continue;
      files[`logs/${name}`] = strToU8(redact(readFileSync(path.join(input.layout.logs, name), 'utf8')));
    }
  }
  mkdirSync(input.layout.diagnostics, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(input.layout.diagnostics, `flow-desktop-diagnostics-${stamp}.zip`);
  const zip = zipSync(files, { level: 6 });
  writeFileSync(file, zip, { mode: 0o600 });
  return { path: file, bytes: zip.length };
}
