import path from 'node:path';

import type { Settings } from '../../shared/control-api.js';
import type { FlowBinaryInfo } from '../../shared/stack-status.js';
import {
  binarySearch,
  discoverFlowBinaries,
  FLOW_BINARY_NEEDS,
} from '../services/data-plane/flow-binaries.js';
import { readJsonObject, writeFileAtomic } from './state-file.js';

/** The Flow binaries the stack looks for (in the bin directory, then resources/bin/, then PATH). */
export const FLOW_BINARIES = FLOW_BINARY_NEEDS.map((b) => b.name);

/**
 * Reads a data directory's settings (empty when none were saved). A damaged file is an error naming it — not
 * silently the defaults, which would start the stack on ports the user did not choose.
 */
export function readSettings(file: string): Settings {
  return readJsonObject(file, 'fix it, or delete it to use the default settings') ?? {};
}

/** Like readSettings, but a damaged file reads as no settings (for diagnostics, which must work on a broken stack). */
export function readSettingsLenient(file: string): Settings {
  try {
    return readSettings(file);
  } catch {
    return {};
  }
}

/** Checks settings and saves them (whole, or not at all); throws one sentence naming the first bad value. */
export function writeSettings(file: string, settings: Settings): Settings {
  const checked = validateSettings(settings);
  writeFileAtomic(file, JSON.stringify(checked, null, 2));
  return checked;
}

/** Returns the settings with unknown keys dropped; throws on an invalid value. */
export function validateSettings(input: Settings): Settings {
  const out: { -readonly [K in keyof Settings]: Settings[K] } = {};
  const ports = ['dbPort', 'apiPort', 'uiPort', 'mailboxPort'] as const;
  for (const key of ports) {
    const value = input[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1 || value > 65535)
      throw new Error(`${key} must be a port number from 1 to 65535`);
    out[key] = value;
  }
  const chosen = ports.map((k) => out[k]).filter((v): v is number => v !== undefined);
  if (new Set(chosen).size !== chosen.length) throw new Error('two services cannot share a port');
  if (input.agentCount !== undefined) {
    if (!Number.isInteger(input.agentCount) || input.agentCount < 0 || input.agentCount > 16) {
      throw new Error('agentCount must be a whole number from 0 to 16');
    }
    out.agentCount = input.agentCount;
  }
  if (input.flowBinDir !== undefined) {
    if (
      input.flowBinDir !== null &&
      (typeof input.flowBinDir !== 'string' || !path.isAbsolute(input.flowBinDir))
    ) {
      throw new Error('flowBinDir must be an absolute path (or null)');
    }
    out.flowBinDir = input.flowBinDir;
  }
  if (input.keepRunningOnQuit !== undefined) out.keepRunningOnQuit = Boolean(input.keepRunningOnQuit);
  return out;
}

/** Where each Flow binary would be found with this bin directory: it first, then resources/bin/, then PATH. */
export function findFlowBinaries(binDir: string | null): readonly FlowBinaryInfo[] {
  return discoverFlowBinaries(binarySearch(binDir)).binaries;
}
