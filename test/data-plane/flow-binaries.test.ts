// Where the stack finds the Flow binaries: the configured bin directory, then resources/bin/ of the app, then
// PATH — per binary, first executable file wins — and what it plans to run from what it found.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { locateResources } from '../../main/app/resource-paths.js';
import { planDataPlane } from '../../main/services/data-plane/data-plane-plan.js';
import { binarySearch, discoverFlowBinaries } from '../../main/services/data-plane/flow-binaries.js';
import { PROJECT_ROOT } from '../../main/stack/project-paths.js';
import { resolveStackConfig } from '../../main/stack/stack-config.js';

describe('Flow binary discovery', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'flow-bins-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const folder = (name: string, binaries: Record<string, 'exec' | 'plain'>): string => {
    const dir = path.join(root, name);
    mkdirSync(dir, { recursive: true });
    for (const [bin, mode] of Object.entries(binaries)) {
      writeFileSync(path.join(dir, bin), '#!/bin/sh\n');
      chmodSync(path.join(dir, bin), mode === 'exec' ? 0o755 : 0o644);
    }
    return dir;
  };

  it('takes each binary from the first place that has it: bin dir, resources/bin, PATH', () => {
    const binDir = folder('configured', { 'flowctl-go': 'exec' });
    const resources = folder('resources', { 'flowctl-go': 'exec', etcd: 'exec' });
    const onPath = folder('path', { etcd: 'exec', gazette: 'exec', 'data-plane-gateway': 'plain' });
    const found = discoverFlowBinaries({ binDir, resourcesDir: resources, pathDirs: [onPath] });
    expect(found.binaries.map((b) => [b.name, b.path, b.source])).toEqual([
      ['flowctl-go', path.join(binDir, 'flowctl-go'), 'bin-dir'],
      ['etcd', path.join(resources, 'etcd'), 'resources'],
      ['gazette', path.join(onPath, 'gazette'), 'path'],
      // Not executable: not a binary the stack can run.
      ['data-plane-gateway', null, null],
    ]);
    expect(found.searched).toEqual([binDir, resources, 'PATH']);
    expect(found.binaries.find((b) => b.name === 'data-plane-gateway')?.neededBy).toBe('data-plane-gateway');
  });

  it("searches the app's resources/bin and the PATH variable's absolute folders", () => {
    const search = binarySearch(null, {
      PATH: `/usr/local/bin${path.delimiter}relative/bin${path.delimiter}/bin`,
    });
    expect(search).toEqual({
      binDir: null,
      resourcesDir: locateResources(PROJECT_ROOT).flowBinDir,
      pathDirs: ['/usr/local/bin', '/bin'],
    });
  });

  it('plans the data plane from what was found', () => {
    const config = resolveStackConfig({ dataDir: path.join(root, 'data') }, {});
    const full = folder('full', {
      'flowctl-go': 'exec',
      etcd: 'exec',
      gazette: 'exec',
      'data-plane-gateway': 'exec',
    });
    const all = planDataPlane(
      config,
      discoverFlowBinaries({ binDir: full, resourcesDir: null, pathDirs: [] }),
    );
    expect(all).toMatchObject({
      flowctl: path.join(full, 'flowctl-go'),
      tempDataPlane: { missing: null, pathDirs: [full] },
      gateway: path.join(full, 'data-plane-gateway'),
      addresses: { broker: 'http://127.0.0.1:8080', consumer: 'http://127.0.0.1:9000' },
      gatewayUrl: 'http://127.0.0.1:28318/',
      tempRoot: path.join(root, 'data', 'data-plane'),
    });

    const noCompanions = folder('lonely', { 'flowctl-go': 'exec', 'data-plane-gateway': 'exec' });
    const partial = planDataPlane(
      config,
      discoverFlowBinaries({ binDir: noCompanions, resourcesDir: null, pathDirs: [] }),
    );
    expect(partial.tempDataPlane?.missing).toMatch(
      /^temp-data-plane starts etcd and gazette next to flowctl-go/,
    );
    expect(partial.addresses).toBeNull();
    expect(partial.gatewayUrl).toBeNull();

    const none = planDataPlane(
      config,
      discoverFlowBinaries({ binDir: null, resourcesDir: null, pathDirs: [] }),
    );
    expect(none).toMatchObject({ flowctl: null, tempDataPlane: null, gateway: null, addresses: null });
  });
});
