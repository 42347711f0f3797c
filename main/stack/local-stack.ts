import { rmSync } from 'node:fs';

import pg from 'pg';

import type { OperationOptions, OperationRequester, ResetResult } from '../../shared/control-api.js';
import type { PreflightCheck } from '../../shared/preflight.js';
import { READY_STATES, type ServiceState } from '../../shared/service-info.js';
import type { ConnectionInfo, StackState, StackStatus } from '../../shared/stack-status.js';
import { runPreflight, type PortNeed } from '../preflight/preflight.js';
import { readProcessIdentity } from '../process/process-identity.js';
import { ProcessRegistry } from '../process/process-registry.js';
import { type DataPlanePlan, dataPlaneStatus } from '../services/data-plane/data-plane-plan.js';
import { gatewayVerificationKey } from '../services/data-plane/gateway-registration.js';
import { ageIdentitiesOf } from '../services/functions/age-key-file.js';
import { databaseUrls, recreateDatabase } from '../services/migrate/database-migrator.js';
import { findPostgresBinaries, reachableBinaries } from '../services/postgres/postgres-binaries.js';
import { clearStalePostmaster } from '../services/postgres/postgres-cluster.js';
import { postgresUser, type PostgresUser } from '../services/postgres/postgres-user.js';
import { Supervisor, type StartOutcome } from '../supervisor/supervisor.js';
import type { StackConfig } from './stack-config.js';
import { OperationQueue } from './operation-queue.js';
import { loadOrCreateSecrets, type StackSecrets } from './secrets.js';
import { stackServiceContext, stackServices } from './stack-services.js';

/** Where copies of the Postgres binaries go when the unprivileged user cannot reach node_modules. */
const ROOT_BINARY_CACHE = '/var/cache/flow-desktop';

/** How long after a start the idle checkpoint waits: past the first requests a client makes once it is up. */
const IDLE_CHECKPOINT_DELAY_MS = 1000;

/**
 * One local stack: its configuration, secrets and supervisor, and the operations on it (start, stop, reset,
 * status). The CLI's foreground and detached modes and, later, the Electron app all drive this class.
 */
export class LocalStack {
  /** True while the whole stack is being stopped (which runs alongside whatever operation was running). */
  private stopping = false;
  private checkpointTimer: NodeJS.Timeout | null = null;
  /** Start, stop, reset, purge and per-service operations, one at a time whoever asks. */
  readonly operations: OperationQueue;
  /** The pre-flight results of the last start, for the GUI. */
  lastPreflight: readonly PreflightCheck[] = [];
  /** When the pre-flight checks last ran (ISO), or null. */
  lastPreflightAt: string | null = null;

  private constructor(
    readonly config: StackConfig,
    readonly secrets: StackSecrets,
    readonly supervisor: Supervisor,
    private readonly registry: ProcessRegistry,
    private readonly pgUser: PostgresUser | null,
    /** The Flow binaries found when the stack was made, and what of the data plane runs. */
    readonly dataPlane: DataPlanePlan,
  ) {
    this.operations = new OperationQueue((event) => supervisor.publish(event));
  }

  /** Builds the stack for a configuration (creating the data directory's secrets on first use). */
  static async create(config: StackConfig): Promise<LocalStack> {
    const secrets = await loadOrCreateSecrets(config.layout.secretsFile, config.layout.pgdata);
    const pgUser = postgresUser();
    const found = findPostgresBinaries();
    const binaries = pgUser ? reachableBinaries(found, pgUser.uid, pgUser.gid, ROOT_BINARY_CACHE) : found;
    const registry = new ProcessRegistry(config.layout.processesFile, readProcessIdentity(process.pid));
    const ctx = stackServiceContext(config, secrets, pgUser, binaries);
    const specs = stackServices(ctx);
    return new LocalStack(
      config,
      secrets,
      new Supervisor(specs, config.layout.logs, registry),
      registry,
      pgUser,
      ctx.dataPlane,
    );
  }

  /**
   * Gets ready to start: stops processes a crashed earlier run left behind (recorded pids, a live postmaster
   * on our data directory), then runs the pre-flight checks. Returns the failed checks (empty when all pass).
   */
  async prepare(
    log: (text: string) => void = () => undefined,
    extraPorts: readonly PortNeed[] = [],
  ): Promise<PreflightCheck[]> {
    for (const orphan of await this.registry.cleanupOrphans()) {
      log(`stopped ${orphan.service} (pid ${orphan.pid}) left running by an earlier run`);
    }
    await clearStalePostmaster(this.config.layout.pgdata, log);
    const ports = [...this.portNeeds(), ...extraPorts];
    const checks = await runPreflight(this.config.layout.root, ports, this.pgUser);
    this.lastPreflight = checks;
    this.lastPreflightAt = new Date().toISOString();
    return checks.filter((c) => !c.ok && !c.warning);
  }

  /**
   * Runs the pre-flight checks again while the stack runs: the ports of services running now are this stack's
   * own, so only the others are tried.
   */
  async rerunPreflight(): Promise<readonly PreflightCheck[]> {
    const running = new Set(
      this.supervisor
        .services()
        .filter((s) => s.pid !== null)
        .map((s) => s.name),
    );
    // An extra port of a service is named `<service> (<what>)`, e.g. `supabase-api (mailbox)`.
    const ours = (need: PortNeed): boolean => running.has(need.service.replace(/ \(.*\)$/, ''));
    const ports = this.portNeeds().filter((need) => !ours(need));
    const checks = await runPreflight(this.config.layout.root, ports, this.pgUser);
    const own = this.portNeeds()
      .filter(ours)
      .map((need) => ({
        check: `port ${need.port} (${need.service})`,
        ok: true,
        message: `port ${need.port} is in use by ${need.service} of this stack`,
      }));
    this.lastPreflight = [...checks, ...own];
    this.lastPreflightAt = new Date().toISOString();
    return this.lastPreflight;
  }

  /** Starts every service (the initial start waits its turn); resolves when each has come to rest. */
  async up(options: OperationOptions = { requestedBy: 'supervisor', ifBusy: 'wait' }): Promise<StartOutcome> {
    const outcome = await this.operations.run({ ...options, kind: 'start' }, () =>
      this.supervisor.startAll(),
    );
    if (outcome.ok) this.checkpointWhenIdle();
    return outcome;
  }

  /**
   * Checkpoints the database shortly after a start or reset. A start writes (bootstrap, migrations, seed, the
   * first catalog and statistics pages) and Postgres would write all of it to the data files in the shutdown
   * checkpoint, which `down` waits for: half a second after a first start on a busy disk. A checkpoint while
   * the stack idles writes it then, so stopping has little left to write. Durability is unchanged (every
   * commit is already in the fsync'd WAL); the data-file writes only happen earlier.
   */
  private checkpointWhenIdle(): void {
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = null;
      if (this.stopping || this.supervisor.service('postgres').state !== 'healthy') return;
      // Not while a reset or restart works the database: once it is done, it schedules its own.
      if (this.operations.current() !== null) return;
      void this.checkpoint();
    }, IDLE_CHECKPOINT_DELAY_MS);
    this.checkpointTimer.unref();
  }

  private async checkpoint(): Promise<void> {
    const client = new pg.Client({
      connectionString: databaseUrls(this.config.ports.db, this.secrets.superuserPassword).maintenance,
      application_name: 'flow-desktop-checkpoint',
    });
    // A stop that ends the connection mid-checkpoint is not an error worth a line.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('checkpoint');
    } catch (error: unknown) {
      if (!this.stopping) {
        const message = error instanceof Error ? error.message : String(error);
        this.supervisor.logs.append('postgres', 'supervisor', `idle checkpoint failed: ${message}`);
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Stops every service, dependents first. Goes ahead of any waiting operation, which is refused. */
  async down(requestedBy: OperationRequester = 'client'): Promise<void> {
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = null;
    this.stopping = true;
    try {
      await this.operations.stopFirst(requestedBy, () => this.supervisor.stopAll());
    } finally {
      this.stopping = false;
    }
  }

  /**
   * Drops and recreates the database, then migrates and seeds it. Works when the stack is broken: a Postgres
   * that cannot start is re-initialised from scratch. With `leaveRunning` false (no stack was running), the
   * services it started are stopped again.
   */
  async reset(leaveRunning: boolean, options: OperationOptions = {}): Promise<ResetResult> {
    return this.operations.run({ ...options, kind: 'reset' }, () => this.resetNow(leaveRunning));
  }

  private async resetNow(leaveRunning: boolean): Promise<ResetResult> {
    const begun = Date.now();
    const sup = this.supervisor;
    const dependents = sup.dependentsOf('postgres');
    let reinitialised = false;
    try {
      sup.phase('reset', 'stop', 'running', begun, `stopping ${dependents.join(', ')}`);
      await sup.stopSome(dependents, 'database reset');
      if (sup.service('postgres').state !== 'healthy') {
        sup.phase('reset', 'postgres', 'running', begun, 'starting postgres');
        const started = await this.startPostgresOnce();
        if (!started) {
          sup.phase(
            'reset',
            'reinitialise',
            'running',
            begun,
            'postgres cannot start; re-creating the cluster',
          );
          await sup.stopSome(['postgres'], 'database reset: re-creating the cluster');
          rmSync(this.config.layout.pgdata, { recursive: true, force: true });
          reinitialised = true;
          if (!(await this.startPostgresOnce())) throw new Error(this.failureOf('postgres'));
        }
      }
      if (!reinitialised) {
        sup.phase('reset', 'recreate', 'running', begun, 'dropping and re-creating the database');
        await recreateDatabase(databaseUrls(this.config.ports.db, this.secrets.superuserPassword), (text) =>
          sup.logs.append('migrate', 'supervisor', text),
        );
      }
      sup.phase('reset', 'migrate', 'running', begun, 'applying bootstrap, migrations and seed');
      const outcome = await sup.startSome(leaveRunning ? dependents : ['migrate']);
      if (!outcome.ok) throw new Error(outcome.failed.map((s) => this.failureOf(s.name)).join('; '));
      sup.phase('reset', 'done', 'done', begun, 'database reset');
      if (leaveRunning) this.checkpointWhenIdle();
      return { ok: true, elapsedMs: Date.now() - begun, reinitialised };
    } catch (error: unknown) {
      const message = error instanceof Error ? error.message : String(error);
      sup.phase('reset', 'done', 'failed', begun, message);
      return { ok: false, elapsedMs: Date.now() - begun, reinitialised, error: message };
    } finally {
      if (!leaveRunning) await sup.stopAll('reset finished');
    }
  }

  /** Starts one service and the services that depend on it (their dependencies start first if needed). */
  async startService(name: string, options: OperationOptions = {}): Promise<void> {
    await this.operations.run({ ...options, kind: 'start-service', service: name }, () =>
      this.supervisor.startSome([name, ...this.supervisor.dependentsOf(name)]),
    );
  }

  /** Stops one service and, first, everything that depends on it. */
  async stopService(name: string, options: OperationOptions = {}): Promise<void> {
    await this.operations.run({ ...options, kind: 'stop-service', service: name }, () =>
      this.supervisor.stopSome([name, ...this.supervisor.dependentsOf(name)], 'stopped by the user'),
    );
  }

  /** Restarts one service (recorded as a restart with its reason). */
  async restartService(name: string, options: OperationOptions = {}): Promise<void> {
    await this.operations.run({ ...options, kind: 'restart-service', service: name }, () =>
      this.supervisor.restartService(name, 'restart requested by the user'),
    );
  }

  /** Stops and starts every service. */
  async restartStack(options: OperationOptions = {}): Promise<StartOutcome> {
    return this.operations.run({ ...options, kind: 'restart-stack' }, async () => {
      await this.supervisor.stopAll('stack restarting');
      return this.supervisor.startAll();
    });
  }

  /**
   * The last reset tier: stops everything, deletes the cluster, the logs' history stays, then starts from
   * scratch (initdb, bootstrap, migrations, seed). Secrets and settings are kept, so keys stay valid.
   */
  async purge(options: OperationOptions = {}): Promise<ResetResult> {
    return this.operations.run({ ...options, kind: 'purge' }, async () => {
      const begun = Date.now();
      const sup = this.supervisor;
      sup.phase('reset', 'purge', 'running', begun, 'stopping the stack and deleting its database cluster');
      await sup.stopAll('purge');
      rmSync(this.config.layout.pgdata, { recursive: true, force: true });
      const outcome = await sup.startAll();
      const result: ResetResult = outcome.ok
        ? { ok: true, elapsedMs: Date.now() - begun, reinitialised: true }
        : {
            ok: false,
            elapsedMs: Date.now() - begun,
            reinitialised: true,
            error: outcome.failed.map((s) => this.failureOf(s.name)).join('; '),
          };
      sup.phase(
        'reset',
        'done',
        result.ok ? 'done' : 'failed',
        begun,
        result.ok ? 'data purged' : (result.error ?? ''),
      );
      return result;
    });
  }

  /** Every secret of this stack, for redaction. */
  secretValues(): string[] {
    const s = this.secrets;
    return [
      s.jwtSecret,
      s.anonKey,
      s.serviceRoleKey,
      s.superuserPassword,
      gatewayVerificationKey(s.jwtSecret),
      ...ageIdentitiesOf(this.config.layout.root),
    ];
  }

  /** The stack's status as this supervisor sees it. */
  status(pid: number | null): StackStatus {
    const services = this.supervisor.services();
    const problems = this.supervisor.problems();
    const troubled = problems.some((p) => p.severity === 'error');
    const settled = overallState(services.map((s) => s.state));
    return {
      running: pid !== null,
      state:
        pid === null
          ? 'stopped'
          : (this.busyState() ?? (troubled && settled === 'running' ? 'degraded' : settled)),
      operation: this.operations.current(),
      queuedOperations: this.operations.queued(),
      problems,
      pid,
      dataDir: this.config.layout.root,
      services,
      connection: connectionInfo(this.config, this.secrets),
      dataPlane: dataPlaneStatus(this.dataPlane),
    };
  }

  /**
   * The status when no supervisor answers, from what really runs: children recorded in processes.json that are
   * still alive are shown with their pid and a live probe, never as `stopped` — orphans of a supervisor that
   * died, or the children of one that is alive but does not answer (`unresponsive`, its pid).
   */
  async offlineStatus(unresponsive: { readonly pid: number } | null): Promise<StackStatus> {
    const base = this.status(null);
    const { ownerAlive, alive } = this.registry.recorded();
    const children = unresponsive || !ownerAlive ? alive : [];
    const services = await Promise.all(
      base.services.map(async (service) => {
        const child = children.find((c) => c.service === service.name);
        if (!child) return service;
        const up = await this.supervisor.probeOnce(service.name);
        const why = unresponsive
          ? `run by the supervisor (pid ${unresponsive.pid}), which does not answer`
          : 'left running by a supervisor that is gone';
        return {
          ...service,
          state: up ? ('healthy' as const) : ('unhealthy' as const),
          pid: child.identity.pid,
          lastError: { message: why, at: new Date().toISOString(), logTail: [] },
        };
      }),
    );
    const problems = [...(base.problems ?? [])];
    const since = new Date().toISOString();
    if (unresponsive) {
      problems.push({
        id: 'unresponsive',
        severity: 'error',
        message: `the supervisor (pid ${unresponsive.pid}) holds this data directory but does not answer; \`flow-desktop down\` stops it`,
        since,
      });
    } else if (children.length > 0) {
      const list = children.map((c) => `${c.service} (pid ${c.identity.pid})`).join(', ');
      problems.push({
        id: 'orphans',
        severity: 'error',
        message: `the supervisor is gone but ${list} still ${children.length === 1 ? 'runs' : 'run'}; \`flow-desktop down\` stops ${children.length === 1 ? 'it' : 'them'}, \`flow-desktop up\` starts afresh`,
        since,
      });
    }
    const troubled = problems.some((p) => p.severity === 'error');
    return {
      ...base,
      running: unresponsive !== null,
      pid: unresponsive?.pid ?? null,
      state: troubled ? 'degraded' : 'stopped',
      services,
      problems,
    };
  }

  /** `starting`/`stopping` while the whole stack starts or stops. */
  private busyState(): 'starting' | 'stopping' | null {
    if (this.stopping) return 'stopping';
    const kind = this.operations.current()?.kind;
    return kind === 'start' || kind === 'restart-stack' ? 'starting' : null;
  }

  private portNeeds(): PortNeed[] {
    return this.supervisor.portClaims();
  }

  /** Starts postgres and reports whether it became healthy, without waiting out a crash loop. */
  private async startPostgresOnce(): Promise<boolean> {
    const sup = this.supervisor;
    let crashed = false;
    const settled = new Promise<void>((resolve) => {
      const off = sup.onEvent((event) => {
        if (event.type !== 'service-state' || event.service !== 'postgres') return;
        if (event.to === 'crashed') crashed = true;
        if (['healthy', 'crashed', 'failed', 'stopped'].includes(event.to)) {
          off();
          resolve();
        }
      });
    });
    void sup.startSome(['postgres']);
    await settled;
    if (crashed) await sup.stopSome(['postgres'], 'reset: postgres crashed on start');
    return !crashed && sup.service('postgres').state === 'healthy';
  }

  private failureOf(service: string): string {
    const info = this.supervisor.service(service);
    const tail = info.lastError?.logTail.slice(-5).join(' | ');
    return `${service}: ${info.lastError?.message ?? info.state}${tail ? ` (last log: ${tail})` : ''}`;
  }
}

/** The connection details of a stack, keyed like `supabase status -o env`. */
export function connectionInfo(config: StackConfig, secrets: StackSecrets): ConnectionInfo {
  const api = `http://127.0.0.1:${config.ports.api}`;
  return {
    API_URL: api,
    REST_URL: `${api}/rest/v1`,
    DB_URL: `postgresql://postgres:postgres@127.0.0.1:${config.ports.db}/postgres`,
    STUDIO_URL: `http://127.0.0.1:${config.ports.studio}`,
    INBUCKET_URL: `http://127.0.0.1:${config.ports.inbucket}`,
    JWT_SECRET: secrets.jwtSecret,
    ANON_KEY: secrets.anonKey,
    SERVICE_ROLE_KEY: secrets.serviceRoleKey,
  };
}

function overallState(states: readonly ServiceState[]): StackState {
  if (states.every((s) => READY_STATES.includes(s))) return 'running';
  if (states.some((s) => s === 'starting' || s === 'waiting')) return 'starting';
  return 'degraded';
}
