import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

import type { FlowBinaryInfo, FlowBinarySource } from '../../../shared/stack-status.js';
import { locateResources } from '../../app/resource-paths.js';
import { PROJECT_ROOT } from '../../stack/project-paths.js';

/**
 * The Flow binaries the stack looks for, and what needs each. temp-data-plane starts etcd and gazette itself,
 * from the folder of flowctl-go (shared/reference/flow-contracts.md §1.3), so a data plane needs all three.
 */
export const FLOW_BINARY_NEEDS = [
  { name: 'flowctl-go', neededBy: 'builds, tests and activations (agent) and temp-data-plane' },
  { name: 'etcd', neededBy: 'temp-data-plane' },
  { name: 'gazette', neededBy: 'temp-data-plane' },
  { name: 'data-plane-gateway', neededBy: 'data-plane-gateway' },
] as const;

/** The name of one of the Flow binaries. */
export type FlowBinaryName = (typeof FLOW_BINARY_NEEDS)[number]['name'];

/** Where to look, in order: the configured bin directory, the app's resources/bin/, then PATH. */
export interface BinarySearch {
  readonly binDir: string | null;
  readonly resourcesDir: string | null;
  readonly pathDirs: readonly string[];
}

/** The outcome of a search: every binary, found or not, and the folders searched. */
export interface FlowBinaries {
  readonly binaries: readonly FlowBinaryInfo[];
  readonly searched: readonly string[];
}

/** The search of this app: `binDir` (flag, environment or settings), then resources/bin/, then PATH. */
export function binarySearch(binDir: string | null, env: NodeJS.ProcessEnv = process.env): BinarySearch {
  const resourcesDir = locateResources(PROJECT_ROOT).flowBinDir;
  return {
    binDir: binDir ? path.resolve(binDir) : null,
    resourcesDir,
    pathDirs: (env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '' && path.isAbsolute(dir)),
  };
}

/** Looks for each Flow binary in the search order; the first executable file of that name wins. */
export function discoverFlowBinaries(search: BinarySearch): FlowBinaries {
  const places: { dir: string; source: FlowBinarySource }[] = [
    ...(search.binDir ? [{ dir: search.binDir, source: 'bin-dir' as const }] : []),
    ...(search.resourcesDir ? [{ dir: search.resourcesDir, source: 'resources' as const }] : []),
    ...search.pathDirs.map((dir) => ({ dir, source: 'path' as const })),
  ];
  const binaries = FLOW_BINARY_NEEDS.map(({ name, neededBy }): FlowBinaryInfo => {
    for (const place of places) {
      const file = path.join(place.dir, executableName(name));
      if (isExecutableFile(file)) return { name, path: file, source: place.source, neededBy };
    }
    return { name, path: null, source: null, neededBy };
  });
  const searched = [
    ...(search.binDir ? [search.binDir] : []),
    ...(search.resourcesDir ? [search.resourcesDir] : []),
    'PATH',
  ];
  return { binaries, searched };
}

/** The path of a found binary, or null. */
export function binaryPath(found: FlowBinaries, name: FlowBinaryName): string | null {
  return found.binaries.find((b) => b.name === name)?.path ?? null;
}

function executableName(name: string): string {
  return process.platform === 'win32' ? `${name}.exe` : name;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
