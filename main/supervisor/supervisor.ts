import { EventEmitter } from 'node:events';

import { type ServiceInfo, type ServiceState } from '../../shared/service-info.js';
import type { LogLine, StackEvent, StackPhaseEvent } from '../../shared/stack-events.js';
import type { StackProblem } from '../../shared/stack-status.js';
import { LogStore } from '../logs/log-store.js';
import type { ProcessRegistry } from '../process/process-registry.js';
import { runProbe } from './probes/run-probe.js';
import { ServiceRunner } from './service-runner.js';
import { type Dependency, type ServiceSpec, dependencyOrder, validateSpecs } from './service-spec.js';

/** The outcome of starting the stack: which services ended up failed. */
export interface StartOutcome {
  readonly ok: boolean;
  readonly failed: readonly ServiceInfo[];
}

/**
 * Runs a set of services: starts them in dependency order (independent ones in parallel), stops them in
 * reverse, and re-emits every state change, restart and log line as a typed event.
 */
export class Supervisor {
  private readonly runners = new Map<string, ServiceRunner>();
  private readonly order: readonly ServiceSpec[];
  private readonly emitter = new EventEmitter();
  /** Problems of the stack as a whole, by id (log-writing trouble is read live from the log store). */
  private readonly board = new Map<string, StackProblem>();
  readonly logs: LogStore;

  constructor(
    specs: readonly ServiceSpec[],
    logDir: string,
    private readonly registry: ProcessRegistry | null,
  ) {
    validateSpecs(specs);
    this.order = dependencyOrder(specs);
    this.emitter.setMaxListeners(100);
    this.logs = new LogStore(
      logDir,
      (line: LogLine) => this.emit({ type: 'log', at: line.at, line }),
      (problem, resolved) =>
        this.emit({ type: 'stack-problem', at: new Date().toISOString(), problem, resolved }),
    );
    registry?.onSaveTrouble((error) => {
      if (!error) this.resolveProblem('state-write');
      else
        this.reportProblem({
          id: 'state-write',
          severity: 'error',
          message: `cannot record the running processes in ${registry.file} (${error.message}); after a crash of the supervisor they would not be cleaned up`,
        });
    });
    for (const [index, spec] of this.order.entries()) {
      // Orphans of a crashed supervisor are stopped like the supervisor would: dependents first, each with
      // its own stop signal (Postgres: fast shutdown).
      const stop = { signal: spec.stop.signal, timeoutMs: spec.stop.timeoutMs, order: index };
      this.runners.set(
        spec.name,
        new ServiceRunner(spec, {
          emit: (event) => this.emit(event),
          log: (service, stream, text) => void this.logs.append(service, stream, text),
          tail: (service, n) => this.logs.tail(service, n).map((l) => l.text),
          trackProcess: (service, pid) => this.registry?.track(service, pid, stop),
        }),
      );
    }
  }

  /** Subscribes to every event; returns the unsubscribe function. */
  onEvent(listener: (event: StackEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  /** Emits an event on behalf of the stack around the supervisor (operations of the queue, say). */
  publish(event: StackEvent): void {
    this.emit(event);
  }

  /** Records a problem of the whole stack (replacing one with the same id) and announces it. */
  reportProblem(problem: Omit<StackProblem, 'since'>): void {
    const full: StackProblem = {
      ...problem,
      since: this.board.get(problem.id)?.since ?? new Date().toISOString(),
    };
    this.board.set(problem.id, full);
    this.emit({ type: 'stack-problem', at: new Date().toISOString(), problem: full, resolved: false });
  }

  /** Clears a problem once it is over, and announces that. */
  resolveProblem(id: string): void {
    const problem = this.board.get(id);
    if (!problem) return;
    this.board.delete(id);
    this.emit({ type: 'stack-problem', at: new Date().toISOString(), problem, resolved: true });
  }

  /** The stack's current problems, oldest first. */
  problems(): StackProblem[] {
    const logs = this.logs.problem();
    return [...this.board.values(), ...(logs ? [logs] : [])].sort((a, b) => a.since.localeCompare(b.since));
  }

  /** Snapshots of all services in dependency order. */
  services(): ServiceInfo[] {
    return this.order.map((spec) => this.runner(spec.name).info());
  }

  /** One service's snapshot. */
  service(name: string): ServiceInfo {
    return this.runner(name).info();
  }

  /** The ports the services will listen on, for the pre-flight check. */
  portClaims(): { service: string; port: number; flag: string }[] {
    return this.order.flatMap((spec) => [
      ...(spec.port === undefined
        ? []
        : [{ service: spec.name, port: spec.port, flag: spec.portFlag ?? 'the settings' }]),
      ...(spec.extraPorts ?? []).map((p) => ({
        service: `${spec.name} (${p.what})`,
        port: p.port,
        flag: p.flag,
      })),
    ]);
  }

  /**
   * Probes a service once, whoever runs it (an orphan left by a dead supervisor, say): true when its probe
   * passes; a service without a probe counts as up when it runs at all.
   */
  async probeOnce(name: string): Promise<boolean> {
    const probe = this.runner(name).spec.probe;
    if (!probe) return true;
    return (await runProbe(probe.check, probe.timeoutMs)).ok;
  }

  /** Whether a service of that name exists. */
  has(name: string): boolean {
    return this.runners.has(name);
  }

  /** Starts every service once its dependencies are met; resolves when each has come to rest. */
  async startAll(): Promise<StartOutcome> {
    return this.startSome(this.order.map((s) => s.name));
  }

  /** Starts the named services (and waits for their dependencies, which must be running or start too). */
  async startSome(names: readonly string[]): Promise<StartOutcome> {
    const begun = Date.now();
    this.phase('start', 'services', 'running', begun, `starting ${names.join(', ')}`);
    const pending = new Map<string, Promise<ServiceState>>();
    const startOne = (name: string): Promise<ServiceState> => {
      let promise = pending.get(name);
      if (!promise) {
        promise = this.startWhenReady(name, begun, startOne);
        pending.set(name, promise);
      }
      return promise;
    };
    await Promise.all(names.map(startOne));
    const failed = this.services().filter((s) => names.includes(s.name) && s.state === 'failed');
    this.phase(
      'start',
      'services',
      failed.length ? 'failed' : 'done',
      begun,
      failed.length ? `failed: ${failed.map((s) => s.name).join(', ')}` : 'all services ready',
    );
    return { ok: failed.length === 0, failed };
  }

  /** Stops every service, dependents before what they depend on. */
  async stopAll(reason = 'stack stopping'): Promise<void> {
    await this.stopSome(
      this.order.map((s) => s.name),
      reason,
    );
  }

  /** Stops the named services, each after its (named) dependents. */
  async stopSome(names: readonly string[], reason: string): Promise<void> {
    const begun = Date.now();
    this.phase('stop', 'services', 'running', begun, `stopping ${names.join(', ')}`);
    const stopping = new Map<string, Promise<void>>();
    const stopOne = (name: string): Promise<void> => {
      let promise = stopping.get(name);
      if (!promise) {
        const dependents = this.order
          .filter((s) => names.includes(s.name) && s.dependsOn.some((d) => d.service === name))
          .map((s) => s.name);
        promise = Promise.all(dependents.map(stopOne)).then(() => this.runner(name).stop(reason));
        stopping.set(name, promise);
      }
      return promise;
    };
    await Promise.all(names.map(stopOne));
    this.phase('stop', 'services', 'done', begun, 'stopped');
  }

  /** Restarts one service (an explicit user action: recorded as a restart with its reason). */
  async restartService(name: string, reason = 'restart requested'): Promise<ServiceState> {
    const runner = this.runner(name);
    await runner.restart(reason);
    return runner.whenSettled();
  }

  /** Names of the services that (transitively) depend on `name`. */
  dependentsOf(name: string): string[] {
    const result = new Set<string>();
    const visit = (target: string): void => {
      for (const spec of this.order) {
        if (spec.dependsOn.some((d) => d.service === target) && !result.has(spec.name)) {
          result.add(spec.name);
          visit(spec.name);
        }
      }
    };
    visit(name);
    return this.order.filter((s) => result.has(s.name)).map((s) => s.name);
  }

  /** Emits a phase event of a long operation (start, stop, reset) with its elapsed time. */
  phase(
    operation: StackPhaseEvent['operation'],
    phase: string,
    status: StackPhaseEvent['status'],
    begun: number,
    message: string,
  ): void {
    this.emit({
      type: 'stack-phase',
      at: new Date().toISOString(),
      operation,
      phase,
      status,
      elapsedMs: Date.now() - begun,
      message,
    });
  }

  private async startWhenReady(
    name: string,
    begun: number,
    startDependency: (name: string) => Promise<ServiceState>,
  ): Promise<ServiceState> {
    const runner = this.runner(name);
    const deps = runner.spec.dependsOn;
    if (deps.length > 0) {
      runner.markWaiting(`waiting for ${deps.map((d) => d.service).join(', ')}`);
      const states = await Promise.all(deps.map((d) => this.dependencyState(d, startDependency)));
      const unmet = deps.find((d, i) => !meets(d, states[i]));
      if (unmet) {
        const state = this.runner(unmet.service).state;
        if (state === 'not-installed')
          runner.markNotInstalled(`needs ${unmet.service}, which is not installed`);
        else runner.markBlocked(`not started: ${unmet.service} is ${state}`);
        return runner.state;
      }
    }
    this.phase('start', name, 'running', begun, `starting ${name}`);
    await runner.start('stack starting');
    const settled = await runner.whenSettled();
    const info = runner.info();
    this.phase(
      'start',
      name,
      settled === 'failed' ? 'failed' : 'done',
      begun,
      settled === 'failed'
        ? `${name} failed: ${info.lastError?.message ?? 'unknown error'}`
        : `${name} ${settled}`,
    );
    return settled;
  }

  private async dependencyState(
    dep: Dependency,
    startDependency: (name: string) => Promise<ServiceState>,
  ): Promise<ServiceState> {
    const runner = this.runner(dep.service);
    if (meets(dep, runner.state)) return runner.state;
    return startDependency(dep.service);
  }

  private runner(name: string): ServiceRunner {
    const runner = this.runners.get(name);
    if (!runner) throw new Error(`unknown service "${name}"; known: ${[...this.runners.keys()].join(', ')}`);
    return runner;
  }

  private emit(event: StackEvent): void {
    this.emitter.emit('event', event);
  }
}

function meets(dep: Dependency, state: ServiceState | undefined): boolean {
  return dep.condition === 'healthy' ? state === 'healthy' : state === 'completed';
}
