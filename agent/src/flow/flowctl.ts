// The flowctl-go invocations of the agent, with the flags of the 2022 contract
// (shared/reference/flow-contracts.md §1). Only exit status 0 counts as success.
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import type { JobLog } from '../logs/log-sink.js';
import { type CommandResult, runCommand, type RunningCommand, startCommand } from './run-command.js';

/** What every flowctl-go call of a job needs. */
export interface FlowContext {
  readonly binDir: string;
  readonly network: string;
  readonly log: JobLog;
  readonly signal: AbortSignal;
}

/** Broker and consumer addresses of a data plane. */
export interface DataPlaneAddresses {
  readonly broker: string;
  readonly consumer: string;
}

/** The flowctl-go binary in a bin dir. */
export function flowctlPath(binDir: string): string {
  return path.join(binDir, 'flowctl-go');
}

function flowctl(
  ctx: FlowContext,
  name: string,
  args: string[],
  cwd?: string,
  stdin?: string,
): Promise<CommandResult> {
  return runCommand(
    {
      file: flowctlPath(ctx.binDir),
      args,
      name,
      ...(cwd ? { cwd } : {}),
      ...(stdin !== undefined ? { stdin } : {}),
    },
    ctx.log,
    ctx.signal,
  );
}

const addressArgs = (dp: DataPlaneAddresses): string[] => [
  `--broker.address=${dp.broker}`,
  `--consumer.address=${dp.consumer}`,
];

/** `api build` of `<dir>/flow.json` into the build database `<dir>/<buildId>`. */
export function apiBuild(ctx: FlowContext, dir: string, buildId: string): Promise<CommandResult> {
  return flowctl(
    ctx,
    'build',
    [
      'api',
      'build',
      '--build-id',
      buildId,
      '--directory',
      dir,
      '--fs-root',
      dir,
      '--network',
      ctx.network,
      '--source',
      'file:///flow.json',
      '--source-type',
      'catalog',
      '--ts-package',
      '--log.level=warn',
      '--log.format=color',
    ],
    dir,
  );
}

/** `api activate`: all derivations (for tests) or the named specs (to deploy, without waiting for shards). */
export function apiActivate(
  ctx: FlowContext,
  dp: DataPlaneAddresses,
  buildId: string,
  target: { readonly allDerivations: true } | { readonly names: readonly string[] },
): Promise<CommandResult> {
  const which =
    'names' in target ? ['--no-wait', ...target.names.map((n) => `--name=${n}`)] : ['--all-derivations'];
  return flowctl(ctx, 'activate', [
    'api',
    'activate',
    '--build-id',
    buildId,
    '--network',
    ctx.network,
    ...addressArgs(dp),
    ...which,
    '--log.level=info',
  ]);
}

/** `api test` of a build against a temp data plane with its derivations activated. */
export function apiTest(ctx: FlowContext, dp: DataPlaneAddresses, buildId: string): Promise<CommandResult> {
  return flowctl(ctx, 'test', ['api', 'test', '--build-id', buildId, ...addressArgs(dp), '--log.level=warn']);
}

/** `api delete` of all derivations (test clean-up) or of named specs of an older build. */
export function apiDelete(
  ctx: FlowContext,
  dp: DataPlaneAddresses,
  buildId: string,
  target: { readonly allDerivations: true } | { readonly names: readonly string[] },
): Promise<CommandResult> {
  const which = 'names' in target ? target.names.map((n) => `--name=${n}`) : ['--all-derivations'];
  return flowctl(ctx, 'delete', [
    'api',
    'delete',
    '--build-id',
    buildId,
    '--network',
    ctx.network,
    ...addressArgs(dp),
    ...which,
    '--log.level=info',
  ]);
}

/** `api spec` of a connector image; stdout is one JSON object. */
export function apiSpec(ctx: FlowContext, image: string): Promise<CommandResult> {
  return flowctl(ctx, 'spec', [
    'api',
    'spec',
    '--image',
    image,
    '--network',
    ctx.network,
    '--log.level=warn',
  ]);
}

/** `api discover` with the endpoint config on stdin; stdout is a JSON DiscoverResponse. */
export function apiDiscover(ctx: FlowContext, image: string, config: unknown): Promise<CommandResult> {
  return flowctl(
    ctx,
    'discover',
    [
      'api',
      'discover',
      '--config=/dev/stdin',
      '--image',
      image,
      '--network',
      ctx.network,
      '--output=json',
      '--log.level=warn',
    ],
    undefined,
    JSON.stringify(config),
  );
}

/** A temp-data-plane on unix sockets in `dir`, ready once both sockets accept connections. */
export async function startTempDataPlane(
  ctx: FlowContext,
  dir: string,
  timeoutMs = 30_000,
): Promise<{ running: RunningCommand; addresses: DataPlaneAddresses }> {
  ctx.log.info('starting temp-data-plane for the tests');
  const running = startCommand(
    {
      file: flowctlPath(ctx.binDir),
      args: [
        'temp-data-plane',
        '--network',
        ctx.network,
        '--tempdir',
        dir,
        '--unix-sockets',
        '--log.level=warn',
      ],
      name: 'temp-data-plane',
      cwd: dir,
    },
    ctx.log,
    ctx.signal,
  );
  const exited = running.done.then((r) => r);
  const sockets = ['gazette.sock', 'consumer.sock'].map((s) => path.join(dir, s));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await Promise.all(sockets.map(accepts));
    if (ready.every(Boolean)) break;
    const ended = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 50))]);
    if (ended) throw new Error(`temp-data-plane exited early (status ${String(ended.code)})`);
    if (Date.now() > deadline || ctx.signal.aborted) {
      running.kill('SIGKILL');
      throw new Error(`temp-data-plane was not ready within ${timeoutMs} ms`);
    }
  }
  return {
    running,
    addresses: { broker: `unix://localhost${sockets[0]}`, consumer: `unix://localhost${sockets[1]}` },
  };
}

/** Stops a temp data plane (SIGTERM, then SIGKILL after a grace period). */
export async function stopTempDataPlane(running: RunningCommand, graceMs = 5000): Promise<void> {
  running.kill('SIGTERM');
  const timer = setTimeout(() => running.kill('SIGKILL'), graceMs);
  await running.done.catch(() => undefined);
  clearTimeout(timer);
}

function accepts(socket: string): Promise<boolean> {
  if (!existsSync(socket)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const conn = net.connect(socket);
    conn.once('connect', () => {
      conn.destroy();
      resolve(true);
    });
    conn.once('error', () => resolve(false));
  });
}
