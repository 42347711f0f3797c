import { randomBytes } from 'node:crypto';

import { ControlRequestError, startControlServer } from '../control/control-server.js';
import { removeControlFile, writeControlFile } from '../control/control-file.js';
import type { StartOutcome } from '../supervisor/supervisor.js';
import type { LocalStack } from './local-stack.js';

/** A stack being hosted: its control API is up and its services are starting or running. */
export interface HostedStack {
  readonly controlUrl: string;
  /** Resolves with the outcome of the initial start. */
  readonly started: Promise<StartOutcome>;
  /** Resolves once the stack has been stopped (by `shutdown()` or a control API call). */
  readonly stopped: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Runs a stack as the supervisor of its data directory: serves the control API on 127.0.0.1 with a fresh
 * token (written to run/control.json, owner-only), then starts every service.
 */
export async function hostStack(stack: LocalStack): Promise<HostedStack> {
  const token = randomBytes(32).toString('base64url');
  const sup = stack.supervisor;
  let shuttingDown: Promise<void> | null = null;
  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));

  const requireService = (name: string | undefined): string => {
    if (name === undefined || !sup.has(name)) {
      const known = sup
        .services()
        .map((s) => s.name)
        .join(', ');
      throw new ControlRequestError(404, 'unknown_service', `no service "${name ?? ''}"; services: ${known}`);
    }
    return name;
  };

  const server = await startControlServer(
    {
      'GET /v1/status': () => Promise.resolve(stack.status(process.pid)),
      'GET /v1/logs': (req) =>
        Promise.resolve({
          lines: sup.logs.tail(
            req.service === undefined ? undefined : requireService(req.service),
            req.n ?? 100,
          ),
        }),
      'POST /v1/services/restart': async (req) => {
        const name = requireService(req.service);
        await sup.restartService(name, 'restart requested by the user');
        return sup.service(name);
      },
      'POST /v1/reset': () => stack.reset(true),
      'POST /v1/shutdown': () => {
        void shutdown();
        return Promise.resolve({ stopping: true as const });
      },
      onEvent: (listener) => sup.onEvent(listener),
    },
    token,
  );

  const controlFile = stack.config.layout.controlFile;
  writeControlFile(controlFile, {
    pid: process.pid,
    url: server.url,
    token,
    startedAt: new Date().toISOString(),
  });

  const shutdown = (): Promise<void> => {
    shuttingDown ??= (async () => {
      await stack.down();
      removeControlFile(controlFile, process.pid);
      await server.close();
      resolveStopped();
    })();
    return shuttingDown;
  };

  return { controlUrl: server.url, started: stack.up(), stopped, shutdown };
}
