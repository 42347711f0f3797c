import { existsSync } from 'node:fs';
import http from 'node:http';

import type { PreflightCheck } from '../../shared/preflight.js';

/** The Docker Engine socket the agent would use: DOCKER_HOST's unix socket, else the default one. */
export function dockerSocketPath(dockerHost = process.env.DOCKER_HOST): string | null {
  if (!dockerHost) return '/var/run/docker.sock';
  return dockerHost.startsWith('unix://') ? dockerHost.slice('unix://'.length) : null;
}

/**
 * Whether a Docker Engine answers `/_ping`. Without one the stack still runs, but the agent cannot pull connector
 * images (connector specs, discover, data-plane builds): a warning, not a failure.
 */
export async function checkDocker(dockerHost = process.env.DOCKER_HOST): Promise<PreflightCheck> {
  const check = 'Docker';
  const socketPath = dockerSocketPath(dockerHost);
  const off = 'the stack runs without it, but connector images cannot be pulled (connector specs, discover)';
  if (socketPath === null) {
    return {
      check,
      ok: false,
      warning: true,
      message: `DOCKER_HOST is ${dockerHost ?? ''}, which is not a unix socket; ${off}`,
    };
  }
  const answer = !existsSync(socketPath) ? 'there is no socket' : await ping(socketPath);
  if (answer === null) return { check, ok: true, message: `Docker Engine answers at ${socketPath}` };
  return {
    check,
    ok: false,
    warning: true,
    message: `no Docker Engine at ${socketPath} (${answer}); start Docker or set DOCKER_HOST: ${off}`,
  };
}

/** Null when the engine answers `/_ping`, else why not. */
function ping(socketPath: string): Promise<string | null> {
  return new Promise<string | null>((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? null : `it answered HTTP ${res.statusCode ?? 0}`);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 2 s')));
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'ECONNREFUSED' ? 'nothing listens on it' : (error.code ?? error.message)),
    );
  });
}
