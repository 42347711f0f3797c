import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { StackEvent } from '../../shared/stack-events.js';
import { freePort } from '../../test/support/free-port.js';
import { isAlive, waitUntil } from '../process/process-group.js';
import { DEFAULT_RESTART, NO_RESTART, type ServiceSpec } from './service-spec.js';
import { Supervisor } from './supervisor.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../test/fixtures/services');

function nodeService(
  name: string,
  script: string,
  args: string[],
  overrides: Partial<ServiceSpec> = {},
): ServiceSpec {
  return {
    name,
    description: name,
    kind: 'daemon',
    dependsOn: [],
    launch: {
      type: 'process',
      command: () =>
        Promise.resolve({ file: process.execPath, args: [path.join(FIXTURES, script), ...args] }),
    },
    startGracePeriodMs: 0,
    startTimeoutMs: 10_000,
    restart: { ...DEFAULT_RESTART, initialDelayMs: 20, maxDelayMs: 80 },
    stop: { signal: 'SIGTERM', timeoutMs: 2000 },
    ...overrides,
  };
}

function tcpProbe(port: number): ServiceSpec['probe'] {
  return {
    check: { kind: 'tcp', host: '127.0.0.1', port },
    intervalMs: 50,
    startIntervalMs: 20,
    timeoutMs: 500,
    failureThreshold: 2,
  };
}

/** Waits until `predicate` holds; fails the test after `timeoutMs`. */
async function until(predicate: () => boolean, timeoutMs = 8000): Promise<void> {
  const done = await waitUntil(() => !predicate(), timeoutMs);
  if (!done) throw new Error(`condition not met within ${timeoutMs} ms: ${predicate.toString()}`);
}

describe('Supervisor', () => {
  let dir: string;
  let supervisor: Supervisor | null = null;
  let events: StackEvent[] = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'supervisor-test-'));
    events = [];
  });
  afterEach(async () => {
    await supervisor?.stopAll();
    supervisor = null;
    rmSync(dir, { recursive: true, force: true });
  });

  const make = (specs: ServiceSpec[]): Supervisor => {
    supervisor = new Supervisor(specs, path.join(dir, 'logs'), null);
    supervisor.onEvent((e) => events.push(e));
    return supervisor;
  };

  it('marks a crash loop failed, with restarts announced and the last log lines kept', async () => {
    const sup = make([
      nodeService('crasher', 'crash-after.mjs', ['10'], {
        startGracePeriodMs: 500,
        restart: { ...DEFAULT_RESTART, initialDelayMs: 10, maxDelayMs: 40, maxRestarts: 3, windowMs: 60_000 },
      }),
    ]);
    const outcome = await sup.startAll();
    expect(outcome.ok).toBe(false);
    const info = sup.service('crasher');
    expect(info.state).toBe('failed');
    expect(info.restarts).toBe(3);
    expect(info.lastError?.message).toMatch(
      /crashed 4 times within 60 s; giving up \(last: exited with code 3\)/,
    );
    expect(info.lastError?.logTail.some((l) => l.startsWith('boom: something went wrong'))).toBe(true);
    const restarts = events.filter((e) => e.type === 'service-restart');
    expect(restarts.map((e) => (e.type === 'service-restart' ? e.delayMs : -1))).toEqual([10, 20, 40]);
    const states = events.flatMap((e) => (e.type === 'service-state' ? [e.to] : []));
    expect(states.filter((s) => s === 'crashed')).toHaveLength(4);
    expect(states.at(-1)).toBe('failed');
    // The log file on disk has the supervisor's notes next to the service's own output.
    const file = readFileSync(path.join(dir, 'logs', 'crasher.log'), 'utf8');
    expect(file).toMatch(/\[supervisor\] restarting in 10 ms \(attempt 1\)/);
    expect(file).toMatch(/boom: something went wrong/);
  });

  it('starts in dependency order, waits for readiness, and stops in reverse', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const sup = make([
      nodeService('b', 'tcp-server.mjs', [String(portB)], {
        dependsOn: [{ service: 'a', condition: 'healthy' }],
        probe: tcpProbe(portB),
      }),
      nodeService('job', 'exit-with.mjs', ['0'], {
        kind: 'oneshot',
        dependsOn: [{ service: 'b', condition: 'healthy' }],
        restart: NO_RESTART,
      }),
      nodeService('a', 'tcp-server.mjs', [String(portA)], { probe: tcpProbe(portA) }),
    ]);
    expect(sup.services().map((s) => s.name)).toEqual(['a', 'b', 'job']);
    const outcome = await sup.startAll();
    expect(outcome.ok).toBe(true);
    expect(sup.services().map((s) => s.state)).toEqual(['healthy', 'healthy', 'completed']);
    const healthyOrder = events.flatMap((e) =>
      e.type === 'service-state' && (e.to === 'healthy' || e.to === 'completed') ? [e.service] : [],
    );
    expect(healthyOrder).toEqual(['a', 'b', 'job']);
    const startingB = events.findIndex(
      (e) => e.type === 'service-state' && e.service === 'b' && e.to === 'starting',
    );
    const healthyA = events.findIndex(
      (e) => e.type === 'service-state' && e.service === 'a' && e.to === 'healthy',
    );
    expect(startingB).toBeGreaterThan(healthyA);

    events = [];
    await sup.stopAll();
    const stopped = events.flatMap((e) =>
      e.type === 'service-state' && e.to === 'stopped' ? [e.service] : [],
    );
    expect(stopped.indexOf('b')).toBeLessThan(stopped.indexOf('a'));
  });

  it('does not start a service whose dependency failed, and says why', async () => {
    const port = await freePort();
    const sup = make([
      nodeService('broken', 'crash-after.mjs', ['5'], { restart: NO_RESTART, startGracePeriodMs: 500 }),
      nodeService('dependent', 'tcp-server.mjs', [String(port)], {
        dependsOn: [{ service: 'broken', condition: 'healthy' }],
        probe: tcpProbe(port),
      }),
    ]);
    const outcome = await sup.startAll();
    expect(outcome.ok).toBe(false);
    expect(sup.service('broken').state).toBe('failed');
    expect(sup.service('dependent').state).toBe('failed');
    expect(sup.service('dependent').lastError?.message).toBe('not started: broken is failed');
    expect(sup.service('dependent').pid).toBeNull();
  });

  it('restarts a killed daemon after a backoff, as an event with a reason', async () => {
    const port = await freePort();
    const pidFile = path.join(dir, 'pid.json');
    const sup = make([
      nodeService('daemon', 'tcp-server.mjs', [String(port), pidFile], { probe: tcpProbe(port) }),
    ]);
    await sup.startAll();
    const first = sup.service('daemon').pid;
    expect(first).not.toBeNull();
    process.kill(first!, 'SIGKILL');
    await until(() => sup.service('daemon').state === 'healthy' && sup.service('daemon').pid !== first);
    const info = sup.service('daemon');
    expect(info.state).toBe('healthy');
    expect(info.pid).not.toBe(first);
    expect(info.restarts).toBe(1);
    const restart = events.find((e) => e.type === 'service-restart');
    expect(restart).toMatchObject({
      service: 'daemon',
      attempt: 1,
      reason: 'restart after crash: killed by signal SIGKILL',
    });
  });

  it('turns unhealthy when the probe fails, and restarts after repeated failures', async () => {
    const port = await freePort();
    const sup = make([
      nodeService('flaky', 'tcp-server.mjs', [String(port)], {
        probe: tcpProbe(port),
        restart: { ...DEFAULT_RESTART, initialDelayMs: 10, restartAfterUnhealthyProbes: 4 },
      }),
    ]);
    await sup.startAll();
    const first = sup.service('flaky').pid!;
    process.kill(first, 'SIGUSR2');
    await until(() =>
      events.some((e) => e.type === 'service-state' && e.service === 'flaky' && e.to === 'unhealthy'),
    );
    await until(() => sup.service('flaky').state === 'healthy' && sup.service('flaky').pid !== first);
    expect(sup.service('flaky').state).toBe('healthy');
    expect(sup.service('flaky').pid).not.toBe(first);
    const restart = events.find((e) => e.type === 'service-restart');
    expect(restart?.type === 'service-restart' && restart.reason).toMatch(
      /unhealthy: 4 probes failed in a row/,
    );
  });

  it('stops the whole process tree, escalating to SIGKILL when the stop signal is ignored', async () => {
    const port = await freePort();
    const pidFile = path.join(dir, 'pid.json');
    const sup = make([
      nodeService('tree', 'tcp-server.mjs', [String(port), pidFile, 'grandchild'], {
        probe: tcpProbe(port),
        stop: { signal: 'SIGTERM', timeoutMs: 300 },
        launch: {
          type: 'process',
          command: () =>
            Promise.resolve({
              file: process.execPath,
              args: [path.join(FIXTURES, 'tcp-server.mjs'), String(port), pidFile, 'grandchild'],
              env: { IGNORE_SIGTERM: '1' },
            }),
        },
      }),
    ]);
    await sup.startAll();
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { pid: number; grandchild: number };
    expect(isAlive(pids.pid)).toBe(true);
    expect(isAlive(pids.grandchild)).toBe(true);
    await sup.stopAll();
    expect(sup.service('tree').state).toBe('stopped');
    expect(await waitUntil(() => isAlive(pids.pid) || isAlive(pids.grandchild), 3000)).toBe(true);
    const log = sup.logs.tail('tree').map((l) => l.text);
    expect(log).toContain('ignoring SIGTERM');
    expect(log).toContain('did not stop within 300 ms; killing it');
  });

  it('fails a start that never becomes healthy within the start timeout, with the probe error', async () => {
    const port = await freePort();
    const unusedPort = await freePort();
    const sup = make([
      nodeService('deaf', 'tcp-server.mjs', [String(port)], {
        probe: tcpProbe(unusedPort),
        startTimeoutMs: 300,
        restart: NO_RESTART,
      }),
    ]);
    const outcome = await sup.startAll();
    expect(outcome.ok).toBe(false);
    expect(sup.service('deaf').lastError?.message).toMatch(
      /^not healthy within 300 ms \(last probe: .*ECONNREFUSED/,
    );
  });

  it('reports a command that cannot be spawned as a crash naming the cause', async () => {
    const sup = make([
      {
        ...nodeService('missing', 'crash-after.mjs', []),
        launch: {
          type: 'process',
          command: () => Promise.resolve({ file: '/nonexistent/binary', args: [] }),
        },
        restart: NO_RESTART,
      },
    ]);
    await sup.startAll();
    expect(sup.service('missing').state).toBe('failed');
    expect(sup.service('missing').lastError?.message).toMatch(
      /could not start: spawn \/nonexistent\/binary ENOENT/,
    );
  });

  it('treats a ready line as readiness for a service with no port, and fails one that never prints it', async () => {
    const sup = make([
      nodeService('worker', 'ready-after.mjs', ['worker', '150'], {
        readyLine: /^\[worker\] ready$/,
        startGracePeriodMs: 10,
      }),
      nodeService('mute', 'ready-after.mjs', ['mute', '-1'], {
        readyLine: /^\[mute\] ready$/,
        startTimeoutMs: 400,
        restart: NO_RESTART,
      }),
    ]);
    const begun = Date.now();
    await sup.startAll();
    const worker = events.find(
      (e) => e.type === 'service-state' && e.service === 'worker' && e.to === 'healthy',
    );
    expect(worker).toMatchObject({ reason: 'reported ready' });
    // Not healthy at the 10 ms grace period: only once the line came.
    expect(Date.parse(worker!.at) - begun).toBeGreaterThanOrEqual(150);
    expect(sup.service('mute').state).toBe('failed');
    expect(sup.service('mute').lastError?.message).toBe('did not report ready within 400 ms');
  });

  it('a service whose database is gone is unhealthy, never restarted, and healthy again when it returns', async () => {
    const port = await freePort();
    const dbPort = await freePort();
    let db = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => db.listen(dbPort, '127.0.0.1', resolve));
    const readiness = {
      what: 'database',
      check: { kind: 'tcp' as const, host: '127.0.0.1', port: dbPort },
      intervalMs: 50,
      timeoutMs: 500,
    };
    const sup = make([
      nodeService('api', 'tcp-server.mjs', [String(port)], {
        probe: tcpProbe(port),
        readiness,
        restart: { ...DEFAULT_RESTART, restartAfterUnhealthyProbes: 2 },
      }),
      nodeService('worker', 'ready-after.mjs', ['worker', '10'], {
        readyLine: /^\[worker\] ready$/,
        readiness,
      }),
    ]);
    expect((await sup.startAll()).ok).toBe(true);
    const pids = [sup.service('api').pid, sup.service('worker').pid];
    await new Promise<void>((resolve) => db.close(() => resolve()));
    await until(
      () => sup.service('api').state === 'unhealthy' && sup.service('worker').state === 'unhealthy',
    );
    const reasons = events.flatMap((e) =>
      e.type === 'service-state' && e.to === 'unhealthy' ? [`${e.service}: ${e.reason}`] : [],
    );
    expect(reasons).toEqual([
      expect.stringMatching(/^(api|worker): database not reachable: .*ECONNREFUSED/),
      expect.stringMatching(/^(api|worker): database not reachable: .*ECONNREFUSED/),
    ]);
    // Well past the 2 failed probes that restart a daemon: readiness alone never does.
    await new Promise((r) => setTimeout(r, 400));
    expect([sup.service('api').pid, sup.service('worker').pid]).toEqual(pids);
    expect(events.filter((e) => e.type === 'service-restart')).toEqual([]);
    db = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => db.listen(dbPort, '127.0.0.1', resolve));
    await until(() => sup.service('api').state === 'healthy' && sup.service('worker').state === 'healthy');
    await new Promise<void>((resolve) => db.close(() => resolve()));
  });

  it('counts starts that time out toward the crash-loop limit, however far apart they are', async () => {
    const port = await freePort();
    const unusedPort = await freePort();
    const sup = make([
      nodeService('slow', 'tcp-server.mjs', [String(port)], {
        probe: tcpProbe(unusedPort),
        startTimeoutMs: 150,
        // A window shorter than one start attempt: by time alone no two failures would ever count together.
        restart: { ...DEFAULT_RESTART, initialDelayMs: 10, maxDelayMs: 10, maxRestarts: 2, windowMs: 100 },
      }),
    ]);
    const outcome = await sup.startAll();
    expect(outcome.ok).toBe(false);
    const info = sup.service('slow');
    expect(info.state).toBe('failed');
    expect(info.restarts).toBe(2);
    expect(info.lastError?.message).toMatch(
      /^crashed or failed to start 3 times in a row without becoming healthy; giving up \(last: not healthy within 150 ms/,
    );
  });

  it('shows a service as not-installed, and its dependents too, without failing the stack', async () => {
    const sup = make([
      {
        ...nodeService('optional', 'exit-with.mjs', []),
        checkInstalled: () => Promise.resolve('flowctl-go not found'),
      },
      {
        ...nodeService('needs-optional', 'exit-with.mjs', []),
        dependsOn: [{ service: 'optional', condition: 'healthy' }],
      },
    ]);
    const outcome = await sup.startAll();
    expect(outcome.ok).toBe(true);
    expect(sup.service('optional')).toMatchObject({
      state: 'not-installed',
      notInstalledReason: 'flowctl-go not found',
    });
    expect(sup.service('needs-optional')).toMatchObject({
      state: 'not-installed',
      notInstalledReason: 'needs optional, which is not installed',
    });
  });
});
