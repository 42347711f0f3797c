import path from 'node:path';

import type { DataPlaneStatus } from '../../../shared/stack-status.js';
import type { StackConfig } from '../../stack/stack-config.js';
import { binaryPath, type FlowBinaries } from './flow-binaries.js';

/** What the stack can run of the Flow data plane, decided once from the binaries found at start. */
export interface DataPlanePlan {
  readonly found: FlowBinaries;
  /** flowctl-go, when found: the agents run in Flow mode with its folder as their bin dir. */
  readonly flowctl: string | null;
  /** The temp-data-plane service exists when flowctl-go is found; it runs when etcd and gazette are too. */
  readonly tempDataPlane: {
    readonly flowctl: string;
    /** Folders to put first on temp-data-plane's PATH, so it finds etcd and gazette. */
    readonly pathDirs: readonly string[];
    /** Why it cannot run (missing companions), or null. */
    readonly missing: string | null;
  } | null;
  /** The data-plane-gateway service exists when its binary and the temp-data-plane service do. */
  readonly gateway: string | null;
  readonly ports: { readonly broker: number; readonly consumer: number; readonly gateway: number };
  /** Where temp-data-plane makes its temporary directory (its TMPDIR): inside the data directory. */
  readonly tempRoot: string;
  /** Broker and consumer addresses for flowctl-go and the agent; null when no data plane can run. */
  readonly addresses: { readonly broker: string; readonly consumer: string } | null;
  /** The gateway's base URL, as `internal.gateway_endpoints` records it; null when it cannot run. */
  readonly gatewayUrl: string | null;
}

/** Plans the data plane of a stack from the binaries found. */
export function planDataPlane(config: StackConfig, found: FlowBinaries): DataPlanePlan {
  const flowctl = binaryPath(found, 'flowctl-go');
  const etcd = binaryPath(found, 'etcd');
  const gazette = binaryPath(found, 'gazette');
  const gatewayBinary = binaryPath(found, 'data-plane-gateway');
  const missingCompanions = [etcd ? null : 'etcd', gazette ? null : 'gazette'].filter(
    (n): n is string => n !== null,
  );
  const tempDataPlane = flowctl
    ? {
        flowctl,
        pathDirs: [
          ...new Set(
            [flowctl, etcd, gazette].filter((p): p is string => p !== null).map((p) => path.dirname(p)),
          ),
        ],
        missing:
          missingCompanions.length > 0
            ? `temp-data-plane starts ${missingCompanions.join(' and ')} next to flowctl-go, and ${missingCompanions.length > 1 ? 'they were' : 'it was'} not found (searched ${found.searched.join(', ')})`
            : null,
      }
    : null;
  const { broker, consumer, gateway } = config.ports;
  const runs = tempDataPlane !== null && tempDataPlane.missing === null;
  return {
    found,
    flowctl,
    tempDataPlane,
    gateway: tempDataPlane && gatewayBinary ? gatewayBinary : null,
    ports: { broker, consumer, gateway },
    tempRoot: path.join(config.layout.root, 'data-plane'),
    addresses: runs
      ? { broker: `http://127.0.0.1:${broker}`, consumer: `http://127.0.0.1:${consumer}` }
      : null,
    gatewayUrl: runs && gatewayBinary ? `http://127.0.0.1:${gateway}/` : null,
  };
}

/** The data plane's part of the stack status. */
export function dataPlaneStatus(plan: DataPlanePlan): DataPlaneStatus {
  return {
    binaries: plan.found.binaries,
    searched: plan.found.searched,
    brokerAddress: plan.addresses?.broker ?? null,
    consumerAddress: plan.addresses?.consumer ?? null,
    gatewayUrl: plan.gatewayUrl,
  };
}
