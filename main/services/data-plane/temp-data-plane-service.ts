import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

import { DEFAULT_RESTART, type ServiceSpec } from '../../supervisor/service-spec.js';
import type { DataPlanePlan } from './data-plane-plan.js';

/** The prefix of the temporary directory temp-data-plane makes (and deletes on exit) when given no --tempdir. */
const TEMPDIR_PREFIX = 'flow-temp-data-plane';

/**
 * The `temp-data-plane` service: `flowctl-go temp-data-plane` on the broker and consumer ports (8080 and 9000
 * by default), as the original local setup ran it. It gets no `--tempdir`, but TMPDIR points into the data
 * directory: so its builds root (`<tempdir>/builds/`) is inside the data directory, and stopping it discards its
 * state (etcd, journals, shards, builds) as the original does — flowctl-go deletes a tempdir it made. It prints
 * its addresses before the broker and consumer listen, so readiness is both ports accepting connections.
 */
export function tempDataPlaneService(plan: DataPlanePlan): ServiceSpec[] {
  const dp = plan.tempDataPlane;
  if (!dp) return [];
  const { broker, consumer } = plan.ports;
  const runs = dp.missing === null;
  return [
    {
      name: 'temp-data-plane',
      description: `Flow data plane (flowctl-go temp-data-plane: broker ${broker}, consumer ${consumer})`,
      kind: 'daemon',
      dependsOn: [],
      checkInstalled: () => Promise.resolve(dp.missing),
      // Claimed only when it can run, so a missing etcd never fails the pre-flight over a port it won't use.
      ...(runs
        ? {
            port: broker,
            portFlag: '--broker-port',
            extraPorts: [{ what: 'consumer', port: consumer, flag: '--consumer-port' }],
            url: plan.addresses?.broker,
          }
        : {}),
      launch: {
        type: 'process',
        prepare: (ctx) => {
          const removed = clearLeftovers(plan.tempRoot);
          if (removed.length > 0)
            ctx.log(`removed the state of an earlier data plane: ${removed.join(', ')}`);
          return Promise.resolve();
        },
        command: () =>
          Promise.resolve({
            file: dp.flowctl,
            args: [
              'temp-data-plane',
              '--log.level=info',
              '--network=host',
              '--broker-port',
              String(broker),
              '--consumer-port',
              String(consumer),
            ],
            cwd: plan.tempRoot,
            env: {
              TMPDIR: plan.tempRoot,
              PATH: [...dp.pathDirs, process.env.PATH ?? ''].filter(Boolean).join(path.delimiter),
            },
          }),
      },
      probe: {
        check: {
          kind: 'all',
          checks: [
            { kind: 'tcp', host: '127.0.0.1', port: broker },
            { kind: 'tcp', host: '127.0.0.1', port: consumer },
          ],
        },
        intervalMs: 5000,
        startIntervalMs: 100,
        timeoutMs: 2000,
        failureThreshold: 3,
      },
      startGracePeriodMs: 5000,
      startTimeoutMs: 60_000,
      restart: DEFAULT_RESTART,
      // flowctl-go ends its children and deletes its tempdir on SIGTERM.
      stop: { signal: 'SIGTERM', timeoutMs: 10_000 },
    },
  ];
}

/**
 * Deletes temporary directories of earlier runs that did not get to clean up (killed hard, machine crash), and
 * makes sure the parent exists. Returns the names removed.
 */
export function clearLeftovers(tempRoot: string): string[] {
  mkdirSync(tempRoot, { recursive: true });
  const removed: string[] = [];
  for (const entry of readdirSync(tempRoot)) {
    if (!entry.startsWith(TEMPDIR_PREFIX)) continue;
    rmSync(path.join(tempRoot, entry), { recursive: true, force: true });
    removed.push(entry);
  }
  return removed;
}
