import { existsSync } from 'node:fs';

import type Docker from 'dockerode';

import type { JobLog } from '../logs/log-sink.js';

/** Pulls an image through the Docker Engine API on a unix socket, logging progress to the job (stream `pull:1`). */
export async function pullImage(
  socketPath: string,
  image: string,
  log: JobLog,
  signal: AbortSignal,
  timeoutMs = 10 * 60_000,
): Promise<void> {
  // Checked up front so that a machine without Docker gets a plain answer instead of a connection error.
  if (!existsSync(socketPath)) {
    throw new Error(
      `Docker is not available: there is no Docker Engine socket at ${socketPath} (set DOCKER_HOST)`,
    );
  }
  log.info(`pulling ${image} through ${socketPath}`);
  // Loaded on first use: a large import that agents without Docker never need.
  const { default: DockerClient } = await import('dockerode');
  const docker: Docker = new DockerClient({ socketPath, timeout: timeoutMs });
  const stream = await docker.pull(image, { abortSignal: signal });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`pulling ${image} took longer than ${timeoutMs} ms`)),
      timeoutMs,
    );
    let failure: string | null = null;
    docker.modem.followProgress(
      stream,
      (error: Error | null) => {
        clearTimeout(timer);
        if (error) reject(error);
        else if (failure) reject(new Error(failure));
        else resolve();
      },
      (event: { status?: string; progress?: string; id?: string; error?: string }) => {
        if (event.error) failure = `pulling ${image} failed: ${event.error}`;
        const text = event.error ?? [event.id, event.status, event.progress].filter(Boolean).join(' ');
        if (text) log.line('pull:1', text);
      },
    );
  });
}
