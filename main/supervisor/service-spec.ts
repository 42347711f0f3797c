import type { ServiceKind } from '../../shared/service-info.js';
import type { ProbeCheck, ProbeSpec } from './probes/probe.js';

/** What a service needs before it may start: another service healthy, or a one-shot completed. */
export interface Dependency {
  readonly service: string;
  readonly condition: 'healthy' | 'completed';
}

/** A child process to spawn; resolved just before each start so it can read fresh state. */
export interface ProcessCommand {
  readonly file: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Run as this user (used to run Postgres unprivileged when the app runs as root). */
  readonly uid?: number;
  readonly gid?: number;
}

/** Context handed to a service's hooks: where to log, and a signal that fires when the service is stopped. */
export interface ServiceContext {
  readonly log: (text: string) => void;
  readonly signal: AbortSignal;
}

/** A service that is a supervised child process. */
export interface ProcessLaunch {
  readonly type: 'process';
  /** Work to do before each spawn (initialise a data directory, clean stale lock files, ...). */
  readonly prepare?: (ctx: ServiceContext) => Promise<void>;
  readonly command: (ctx: ServiceContext) => Promise<ProcessCommand>;
}

/** A one-shot job that runs in the supervisor's process (no process start-up cost, e.g. migrations). */
export interface TaskLaunch {
  readonly type: 'task';
  readonly run: (ctx: ServiceContext) => Promise<void>;
}

/** A readiness check of what a service depends on, run next to its own probe. */
export interface ReadinessSpec {
  /** What is checked, for messages: "database". */
  readonly what: string;
  readonly check: ProbeCheck;
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** When and how a crashed service is restarted. */
export interface RestartPolicy {
  readonly mode: 'no' | 'on-failure' | 'always';
  /** First backoff delay; doubles at each consecutive crash up to maxDelayMs. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** More than `maxRestarts` restarts within `windowMs` marks the service `failed`. */
  readonly maxRestarts: number;
  readonly windowMs: number;
  /** Restart a running service after this many consecutive failed probes (0 = never). */
  readonly restartAfterUnhealthyProbes: number;
}

/** Everything the supervisor needs to know to run one service. */
export interface ServiceSpec {
  readonly name: string;
  readonly description: string;
  readonly kind: ServiceKind;
  readonly dependsOn: readonly Dependency[];
  readonly launch: ProcessLaunch | TaskLaunch;
  /** Readiness and liveness probe of a daemon. Without one, a daemon is healthy once it has run for the grace period. */
  readonly probe?: ProbeSpec;
  /**
   * Without a probe: the service is ready when it prints a line matching this (a worker with no port to
   * probe, say), instead of after the grace period. Liveness is then the process staying up.
   */
  readonly readyLine?: RegExp;
  /**
   * Readiness beyond the process itself — the database it serves from, as PostgREST's `/ready` includes its
   * connection. While it fails the service is `unhealthy` (and not yet healthy when starting), but it is never
   * restarted for it: restarting the API does not bring a database back.
   */
  readonly readiness?: ReadinessSpec;
  /** Probe failures during this period after a start are not reported (and, without a probe, the time to stay up). */
  readonly startGracePeriodMs: number;
  /** A start that is not healthy (or completed) by then is a failed start. */
  readonly startTimeoutMs: number;
  readonly restart: RestartPolicy;
  readonly stop: { readonly signal: NodeJS.Signals; readonly timeoutMs: number };
  /** Resolves to null when installed, or to the reason it is not (missing binaries, ...). */
  readonly checkInstalled?: () => Promise<string | null>;
  /** The port it listens on (checked free before start); `portFlag` is the CLI flag that moves it. */
  readonly port?: number;
  readonly portFlag?: string;
  /** Other ports the same process listens on (checked free before start too). */
  readonly extraPorts?: readonly { readonly what: string; readonly port: number; readonly flag: string }[];
  readonly url?: string;
}

/** Sensible restart defaults: 250 ms doubling to 8 s, failed after 5 restarts within a minute. */
export const DEFAULT_RESTART: RestartPolicy = {
  mode: 'on-failure',
  initialDelayMs: 250,
  maxDelayMs: 8000,
  maxRestarts: 5,
  windowMs: 60_000,
  restartAfterUnhealthyProbes: 6,
};

/** Readiness of a service that serves from the stack's database: `select 1` answers there. */
export function databaseReadiness(connectionString: string): ReadinessSpec {
  return { what: 'database', check: { kind: 'sql', connectionString }, intervalMs: 5000, timeoutMs: 2000 };
}

/** One-shot jobs are not retried: a failed migration needs a human. */
export const NO_RESTART: RestartPolicy = { ...DEFAULT_RESTART, mode: 'no' };

/** Checks a set of specs before anything starts: unknown or cyclic dependencies, bad probe settings. */
export function validateSpecs(specs: readonly ServiceSpec[]): void {
  const names = new Set<string>();
  for (const spec of specs) {
    if (names.has(spec.name)) throw new Error(`service "${spec.name}" is defined twice`);
    names.add(spec.name);
  }
  for (const spec of specs) {
    for (const dep of spec.dependsOn) {
      if (!names.has(dep.service)) {
        throw new Error(`service "${spec.name}" depends on unknown service "${dep.service}"`);
      }
    }
    if (spec.probe && (spec.probe.intervalMs <= 0 || spec.probe.timeoutMs <= 0)) {
      throw new Error(`service "${spec.name}" has a probe with a non-positive interval or timeout`);
    }
    if (spec.kind === 'oneshot' && spec.probe) {
      throw new Error(`one-shot service "${spec.name}" cannot have a probe: it is done when it exits 0`);
    }
  }
  dependencyOrder(specs);
}

/** Topological order of the specs (dependencies first); throws on a cycle. */
export function dependencyOrder(specs: readonly ServiceSpec[]): ServiceSpec[] {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const order: ServiceSpec[] = [];
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (spec: ServiceSpec, path: string[]): void => {
    if (done.has(spec.name)) return;
    if (visiting.has(spec.name)) {
      throw new Error(`services depend on each other in a cycle: ${[...path, spec.name].join(' → ')}`);
    }
    visiting.add(spec.name);
    for (const dep of spec.dependsOn) {
      const target = byName.get(dep.service);
      if (target) visit(target, [...path, spec.name]);
    }
    visiting.delete(spec.name);
    done.add(spec.name);
    order.push(spec);
  };
  for (const spec of specs) visit(spec, []);
  return order;
}
