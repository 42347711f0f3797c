import type { ChildProcess } from 'node:child_process';

import type { ServiceErrorInfo, ServiceInfo, ServiceState } from '../../shared/service-info.js';
import type { LogLine, StackEvent } from '../../shared/stack-events.js';
import { LineSplitter } from '../logs/line-splitter.js';
import { signalGroup, spawnGroup } from '../process/process-group.js';
import { backoffDelay, CrashWindow } from './backoff.js';
import { runProbe } from './probes/run-probe.js';
import type { ServiceContext, ServiceSpec } from './service-spec.js';
import { canTransition, isActive } from './service-state.js';

/** What a runner needs from the supervisor around it. */
export interface RunnerEnvironment {
  emit(event: StackEvent): void;
  log(service: string, stream: LogLine['stream'], text: string): void;
  tail(service: string, n: number): string[];
  /** Called when a child process starts or exits, so orphans can be found after a supervisor crash. */
  trackProcess(service: string, pid: number | null): void;
}

/** States in which a start attempt has come to rest. */
const SETTLED: readonly ServiceState[] = ['healthy', 'completed', 'failed', 'not-installed', 'stopped'];

const LOG_TAIL_LINES = 20;

/**
 * Runs one service: spawns it (or runs its task), probes it, restarts it on crashes with capped exponential
 * backoff, marks it `failed` after a crash loop, and stops it with its whole process tree.
 */
export class ServiceRunner {
  private current: ServiceState = 'stopped';
  private child: ChildProcess | null = null;
  private task: Promise<void> | null = null;
  private abort = new AbortController();
  /** Incremented at each start so callbacks of an earlier run are ignored. */
  private generation = 0;
  private restartCount = 0;
  private startedAt: Date | null = null;
  private lastError: ServiceErrorInfo | null = null;
  private notInstalledReason: string | null = null;
  private failedProbes = 0;
  private lastProbeError = '';
  /** Whether the current run has been healthy at least once (a crash before that is a failed start). */
  private reachedHealthy = false;
  /** Set when the supervisor kills the process itself (unhealthy, start timeout) to explain the exit. */
  private killReason: string | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private restartTimer: NodeJS.Timeout | null = null;
  private readonly crashes: CrashWindow;
  private readonly listeners = new Set<(state: ServiceState) => void>();
  private exitWaiters: (() => void)[] = [];

  constructor(
    readonly spec: ServiceSpec,
    private readonly env: RunnerEnvironment,
  ) {
    this.crashes = new CrashWindow(spec.restart.maxRestarts, spec.restart.windowMs);
  }

  get state(): ServiceState {
    return this.current;
  }

  /** A serialisable snapshot of this service. */
  info(): ServiceInfo {
    return {
      name: this.spec.name,
      description: this.spec.description,
      kind: this.spec.kind,
      state: this.current,
      pid: this.child?.pid ?? null,
      port: this.spec.port ?? null,
      url: this.spec.url ?? null,
      restarts: this.restartCount,
      startedAt: this.startedAt?.toISOString() ?? null,
      lastError: this.lastError,
      dependsOn: this.spec.dependsOn.map((d) => d.service),
      notInstalledReason: this.notInstalledReason,
    };
  }

  /** Marks the service as waiting for its dependencies. */
  markWaiting(reason: string): void {
    this.transition('waiting', reason);
  }

  /** Marks a service that will not start because something it needs failed. */
  markBlocked(reason: string): void {
    this.lastError = { message: reason, at: new Date().toISOString(), logTail: [] };
    this.transition('failed', reason);
  }

  /** Marks a service that cannot run because something it needs is not installed. */
  markNotInstalled(reason: string): void {
    this.notInstalledReason = reason;
    this.transition('not-installed', reason);
  }

  /** Starts the service (a fresh start resets the crash history). Resolves once the attempt is under way. */
  async start(reason: string): Promise<void> {
    if (isActive(this.current)) return;
    this.crashes.reset();
    await this.launch(reason);
  }

  /** Resolves with the state once the current start attempt has come to rest (healthy, completed, failed…). */
  whenSettled(): Promise<ServiceState> {
    if (SETTLED.includes(this.current)) return Promise.resolve(this.current);
    return new Promise((resolve) => {
      const listener = (state: ServiceState): void => {
        if (!SETTLED.includes(state)) return;
        this.listeners.delete(listener);
        resolve(state);
      };
      this.listeners.add(listener);
    });
  }

  /** Stops the service and its whole process tree: the stop signal, then SIGKILL after the stop timeout. */
  async stop(reason: string): Promise<void> {
    this.clearTimers();
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    if (!isActive(this.current) || this.current === 'stopping') {
      if (this.current === 'stopping') await this.waitForExit();
      if (this.current !== 'stopped' && this.current !== 'not-installed') this.transition('stopped', reason);
      return;
    }
    this.transition('stopping', reason);
    this.abort.abort();
    const child = this.child;
    if (child?.pid !== undefined) {
      const pid = child.pid;
      signalGroup(pid, this.spec.stop.signal);
      const killTimer = setTimeout(() => {
        this.env.log(
          this.spec.name,
          'supervisor',
          `did not stop within ${this.spec.stop.timeoutMs} ms; killing it`,
        );
        signalGroup(pid, 'SIGKILL');
      }, this.spec.stop.timeoutMs);
      await this.waitForExit();
      clearTimeout(killTimer);
      // The leader is gone; take any stragglers of its process group with it.
      signalGroup(pid, 'SIGKILL');
    } else if (this.task) {
      await this.task.catch(() => undefined);
    }
    this.transition('stopped', reason);
  }

  /** Stops and starts again, recording the restart and its reason. */
  async restart(reason: string): Promise<void> {
    this.restartCount++;
    this.env.emit({
      type: 'service-restart',
      at: new Date().toISOString(),
      service: this.spec.name,
      attempt: this.restartCount,
      delayMs: 0,
      reason,
    });
    this.env.log(this.spec.name, 'supervisor', `restarting: ${reason}`);
    await this.stop(reason);
    await this.start(reason);
  }

  private async launch(reason: string): Promise<void> {
    const notInstalled = (await this.spec.checkInstalled?.()) ?? null;
    this.notInstalledReason = notInstalled;
    if (notInstalled !== null) {
      this.transition('not-installed', notInstalled);
      return;
    }
    const generation = ++this.generation;
    this.abort = new AbortController();
    this.failedProbes = 0;
    this.lastProbeError = '';
    this.killReason = null;
    this.reachedHealthy = false;
    this.startedAt = new Date();
    this.transition('starting', reason);
    const ctx: ServiceContext = {
      log: (text) => this.env.log(this.spec.name, 'supervisor', text),
      signal: this.abort.signal,
    };
    const launch = this.spec.launch;
    if (launch.type === 'task') {
      this.task = launch.run(ctx).then(
        () => {
          if (generation === this.generation && this.current === 'starting') {
            this.transition('completed', 'finished');
          }
        },
        (error: unknown) => {
          if (generation === this.generation && this.current === 'starting')
            this.crashed(errorMessage(error));
        },
      );
      return;
    }
    try {
      await launch.prepare?.(ctx);
      if (generation !== this.generation || this.current !== 'starting') return;
      const command = await launch.command(ctx);
      if (generation !== this.generation || this.current !== 'starting') return;
      this.spawn(command, generation);
    } catch (error: unknown) {
      if (generation === this.generation && this.current === 'starting') this.crashed(errorMessage(error));
    }
  }

  private spawn(command: Parameters<typeof spawnGroup>[0], generation: number): void {
    const child = spawnGroup(command);
    this.child = child;
    const stdout = new LineSplitter((line) => this.onOutput(generation, 'stdout', line));
    const stderr = new LineSplitter((line) => this.onOutput(generation, 'stderr', line));
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => stdout.push(chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
    child.once('error', (error) => {
      // Spawn failures (ENOENT, EACCES) come here and no 'exit' follows.
      if (child.pid === undefined) this.onExit(generation, null, null, `could not start: ${error.message}`);
    });
    child.once('exit', (code, signal) => {
      stdout.flush();
      stderr.flush();
      this.onExit(generation, code, signal, null);
    });
    if (child.pid === undefined) return;
    this.env.trackProcess(this.spec.name, child.pid);
    if (this.spec.kind === 'daemon') this.beginProbing(generation);
  }

  private beginProbing(generation: number): void {
    const spec = this.spec;
    const startDeadline = Date.now() + spec.startTimeoutMs;
    const graceEnds = Date.now() + spec.startGracePeriodMs;
    if (!spec.probe && spec.readyLine) {
      // Ready when it says so (onOutput); a service that never does is a failed start.
      this.schedule(() => {
        if (this.isProbing(generation) && this.current === 'starting') {
          this.killReason = `did not report ready within ${spec.startTimeoutMs} ms`;
          this.kill();
        }
      }, spec.startTimeoutMs);
      return;
    }
    if (!spec.probe) {
      // Without a probe, "still running after the grace period" is the best readiness signal there is.
      this.schedule(() => {
        if (this.isProbing(generation) && this.current === 'starting') {
          this.transition('healthy', `running for ${spec.startGracePeriodMs} ms (no probe)`);
          this.watchReadiness(generation);
        }
      }, spec.startGracePeriodMs);
      return;
    }
    const probe = spec.probe;
    let lastReported = 0;
    const tick = async (): Promise<void> => {
      if (!this.isProbing(generation)) return;
      const result = await runProbe(probe.check, probe.timeoutMs);
      if (!this.isProbing(generation)) return;
      const now = Date.now();
      const readiness = result.ok ? await this.checkReadiness() : null;
      if (!this.isProbing(generation)) return;
      if (readiness) {
        // The process answers but what it serves from does not: unhealthy (or still starting), no restart.
        this.failedProbes = 0;
        this.lastProbeError = readiness;
        if (this.current === 'healthy') this.transition('unhealthy', readiness);
        else if (this.current === 'starting' && now >= startDeadline) {
          this.killReason = `not healthy within ${spec.startTimeoutMs} ms (${readiness})`;
          this.kill();
          return;
        }
      } else if (result.ok) {
        this.failedProbes = 0;
        if (this.current === 'starting') this.transition('healthy', 'probe succeeded');
        else if (this.current === 'unhealthy') this.transition('healthy', 'probe succeeded again');
      } else {
        this.lastProbeError = result.error;
        if (this.current === 'starting') {
          if (now >= startDeadline) {
            this.killReason = `not healthy within ${spec.startTimeoutMs} ms (last probe: ${result.error})`;
            this.kill();
            return;
          }
          if (now >= graceEnds && now - lastReported > 2000) {
            lastReported = now;
            this.env.log(spec.name, 'supervisor', `still starting; probe says: ${result.error}`);
          }
        } else {
          this.failedProbes++;
          if (this.current === 'healthy' && this.failedProbes >= probe.failureThreshold) {
            this.transition('unhealthy', `${this.failedProbes} probes failed: ${result.error}`);
          }
          const limit = spec.restart.restartAfterUnhealthyProbes;
          if (limit > 0 && this.failedProbes >= limit && spec.restart.mode !== 'no') {
            this.killReason = `unhealthy: ${this.failedProbes} probes failed in a row (${result.error})`;
            this.kill();
            return;
          }
        }
      }
      const delay = this.current === 'starting' ? probe.startIntervalMs : probe.intervalMs;
      this.schedule(() => void tick(), delay);
    };
    void tick();
  }

  /** Logs a line of the service's output; a starting service that prints its ready line is healthy. */
  private onOutput(generation: number, stream: 'stdout' | 'stderr', line: string): void {
    this.env.log(this.spec.name, stream, line);
    const ready = this.spec.readyLine;
    if (ready && this.current === 'starting' && generation === this.generation && ready.test(line)) {
      this.transition('healthy', 'reported ready');
      this.watchReadiness(generation);
    }
  }

  /** The readiness problem of the service right now (`database: <error>`), or null when ready. */
  private async checkReadiness(): Promise<string | null> {
    const readiness = this.spec.readiness;
    if (!readiness) return null;
    const result = await runProbe(readiness.check, readiness.timeoutMs);
    return result.ok ? null : `${readiness.what} not reachable: ${result.error}`;
  }

  /**
   * For a service without a probe of its own (a worker that reports ready with a line): checks its readiness
   * on a schedule once it is healthy, moving it between healthy and unhealthy — never restarting it.
   */
  private watchReadiness(generation: number): void {
    const readiness = this.spec.readiness;
    if (!readiness || this.spec.probe) return;
    const tick = async (): Promise<void> => {
      if (!this.isProbing(generation)) return;
      const problem = await this.checkReadiness();
      if (!this.isProbing(generation)) return;
      if (problem && this.current === 'healthy') this.transition('unhealthy', problem);
      else if (!problem && this.current === 'unhealthy')
        this.transition('healthy', `${readiness.what} reachable again`);
      this.schedule(() => void tick(), readiness.intervalMs);
    };
    this.schedule(() => void tick(), readiness.intervalMs);
  }

  /** Whether the run of this generation is still one that probes should act on. */
  private isProbing(generation: number): boolean {
    return generation === this.generation && isActive(this.current) && this.current !== 'stopping';
  }

  private kill(): void {
    const pid = this.child?.pid;
    if (pid !== undefined) signalGroup(pid, 'SIGKILL');
  }

  private onExit(
    generation: number,
    code: number | null,
    signal: NodeJS.Signals | null,
    spawnError: string | null,
  ): void {
    if (generation !== this.generation) return;
    const pid = this.child?.pid;
    this.child = null;
    if (pid !== undefined) {
      // The leader is gone; nothing of its group may outlive it (Postgres backends, shells' children...).
      signalGroup(pid, 'SIGKILL');
      this.env.trackProcess(this.spec.name, null);
    }
    const waiters = this.exitWaiters;
    this.exitWaiters = [];
    for (const resolve of waiters) resolve();
    if (this.current === 'stopping' || this.current === 'stopped') return;
    if (this.spec.kind === 'oneshot' && code === 0) {
      this.transition('completed', 'exited with code 0');
      return;
    }
    const how =
      spawnError ??
      this.killReason ??
      (signal ? `killed by signal ${signal}` : `exited with code ${code ?? 'unknown'}`);
    this.crashed(how, code, signal);
  }

  private crashed(message: string, exitCode: number | null = null, signal: string | null = null): void {
    this.clearTimers();
    this.child = null;
    this.lastError = {
      message,
      at: new Date().toISOString(),
      exitCode,
      signal,
      logTail: this.env.tail(this.spec.name, LOG_TAIL_LINES),
    };
    this.env.log(this.spec.name, 'supervisor', `crashed: ${message}`);
    const policy = this.spec.restart;
    if (policy.mode === 'no') {
      this.transition('failed', message);
      return;
    }
    this.transition('crashed', message);
    const inWindow = this.crashes.record(Date.now(), !this.reachedHealthy);
    if (this.crashes.exceeded()) {
      const reason = this.crashes.allWithinWindow(Date.now())
        ? `crashed ${inWindow} times within ${Math.round(policy.windowMs / 1000)} s; giving up (last: ${message})`
        : `crashed or failed to start ${inWindow} times in a row without becoming healthy; giving up (last: ${message})`;
      this.lastError = { ...this.lastError, message: reason };
      this.env.log(this.spec.name, 'supervisor', reason);
      this.transition('failed', reason);
      return;
    }
    const delayMs = backoffDelay(inWindow, policy.initialDelayMs, policy.maxDelayMs);
    this.restartCount++;
    const reason = `restart after crash: ${message}`;
    this.env.emit({
      type: 'service-restart',
      at: new Date().toISOString(),
      service: this.spec.name,
      attempt: inWindow,
      delayMs,
      reason,
    });
    this.env.log(this.spec.name, 'supervisor', `restarting in ${delayMs} ms (attempt ${inWindow})`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.current === 'crashed') void this.launch(reason);
    }, delayMs);
  }

  private waitForExit(): Promise<void> {
    if (!this.child) return Promise.resolve();
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  private schedule(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private transition(to: ServiceState, reason: string): void {
    const from = this.current;
    if (from === to || !canTransition(from, to)) return;
    this.current = to;
    if (to === 'healthy') {
      this.reachedHealthy = true;
      this.crashes.settle();
    }
    this.env.emit({
      type: 'service-state',
      at: new Date().toISOString(),
      service: this.spec.name,
      from,
      to,
      reason,
    });
    for (const listener of [...this.listeners]) listener(to);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
