import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { freePort } from '../../test/support/free-port.js';
import { startDockerDouble } from '../../test/fixtures/docker/docker-double.js';
import { checkDocker } from './docker-check.js';
import { findPortHolder } from './port-holder.js';
import { checkPort, runPreflight } from './preflight.js';

describe('pre-flight', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'preflight-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('passes on a free port, a writable directory and enough disk', async () => {
    const port = await freePort();
    const checks = await runPreflight(dir, [{ service: 'postgres', port, flag: '--db-port' }], null);
    expect(checks.filter((c) => c.check !== 'Docker').map((c) => [c.check, c.ok])).toEqual([
      ['data directory', true],
      ['disk space', true],
      [`port ${port} (postgres)`, true],
    ]);
    // Docker is always among the checks; without an engine it is a warning, never a failure that stops a start.
    const docker = checks.find((c) => c.check === 'Docker');
    expect(docker?.ok || docker?.warning).toBe(true);
  });

  it('checks Docker: an engine that answers /_ping passes, a missing socket warns with what is off', async () => {
    const socket = path.join(dir, 'docker.sock');
    const double = await startDockerDouble(socket);
    try {
      expect(await checkDocker(`unix://${socket}`)).toEqual({
        check: 'Docker',
        ok: true,
        message: `Docker Engine answers at ${socket}`,
      });
    } finally {
      await double.close();
    }
    const missing = await checkDocker(`unix://${path.join(dir, 'none.sock')}`);
    expect(missing).toMatchObject({ check: 'Docker', ok: false, warning: true });
    expect(missing.message).toBe(
      `no Docker Engine at ${path.join(dir, 'none.sock')} (there is no socket); start Docker or set DOCKER_HOST: the stack runs without it, but connector images cannot be pulled (connector specs, discover)`,
    );
    expect((await checkDocker('tcp://127.0.0.1:2375')).message).toMatch(
      /^DOCKER_HOST is tcp:.* not a unix socket/,
    );
  });

  it('names the process holding a port, and the flag that moves the service', async () => {
    const server = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      expect(findPortHolder(port)).toEqual({
        pid: process.pid,
        name: expect.stringMatching(/node|vitest/) as string,
      });
      const check = await checkPort({ service: 'postgres', port, flag: '--db-port' });
      expect(check.ok).toBe(false);
      expect(check.message).toMatch(
        new RegExp(
          `^port ${port} for postgres is in use by \\S+ \\(pid ${process.pid}\\); stop it or choose another port with --db-port$`,
        ),
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reports two services configured on the same port', async () => {
    const port = await freePort();
    const checks = await runPreflight(
      dir,
      [
        { service: 'postgres', port, flag: '--db-port' },
        { service: 'supabase-api', port, flag: '--api-port' },
      ],
      null,
    );
    expect(checks.find((c) => !c.ok)?.message).toBe(
      `postgres and supabase-api are both configured for port ${port}; change one with --api-port`,
    );
  });

  it('reports a data directory that cannot be written, with what to do', async () => {
    if (process.getuid?.() === 0) {
      // Root writes anywhere; a path under a regular file cannot be created by anyone.
      const file = path.join(dir, 'file');
      await import('node:fs').then((fs) => fs.writeFileSync(file, ''));
      const checks = await runPreflight(path.join(file, 'data'), [], null);
      expect(checks[0]?.ok).toBe(false);
      expect(checks[0]?.message).toMatch(
        /is not writable .*; choose another with --data-dir or FLOW_DESKTOP_HOME$/,
      );
    } else {
      chmodSync(dir, 0o500);
      const checks = await runPreflight(path.join(dir, 'data'), [], null);
      expect(checks[0]?.ok).toBe(false);
    }
  });
});
