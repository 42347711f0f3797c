import { rmSync } from 'node:fs';

import type { ResetResult } from '../../shared/control-api.js';
import type { PreflightCheck } from '../../shared/preflight.js';
import { READY_STATES, type ServiceState } from '../../shared/service-info.js';
import type { ConnectionInfo, StackState, StackStatus } from '../../shared/stack-status.js';
import { runPreflight, type PortNeed } from '../preflight/preflight.js';
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
import { loadOrCreateSecrets, type StackSecrets } from './secrets.js';
import { stackServiceContext, stackServices } from './stack-services.js';

/** Where copies of the Postgres binaries go when the unprivileged user cannot reach node_modules. */
const ROOT_BINARY_CACHE = '/var/cache/flow-desktop';

/**
 * One local stack: its configuration, secrets and supervisor, and the operations on it (start, stop, reset,
 * status). The CLI's foreground and detached modes and, later, the Electron app all drive this class.
 */
export class LocalStack {
  private operation: 'starting' | 'stopping' | null = null;
  /** The pre-flight results of the last start, for the GUI. */
  lastPreflight: readonly PreflightCheck[] = [];

  private constructor(
    readonly config: StackConfig,
    readonly secrets: StackSecrets,
    readonly supervisor: Supervisor,
    private readonly registry: ProcessRegistry,
    private readonly pgUser: PostgresUser | null,
    /** The Flow binaries found when the stack was made, and what of the data plane runs. */
    readonly dataPlane: DataPlanePlan,
  ) {}

  /** Builds the stack for a configuration (creating the data directory's secrets on first use). */
  static async create(config: StackConfig): Promise<LocalStack> {
    const secrets = await loadOrCreateSecrets(config.layout.secretsFile);
    const pgUser = postgresUser();
    const found = findPostgresBinaries();
    const binaries = pgUser ? reachableBinaries(found, pgUser.uid, pgUser.gid, ROOT_BINARY_CACHE) : found;
    const registry = new ProcessRegistry(config.layout.processesFile);
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
    return checks.filter((c) => !c.ok);
  }

  /** Starts every service; resolves when each has come to rest. */
  async up(): Promise<StartOutcome> {
    this.operation = 'starting';
    try {
      return await this.supervisor.startAll();
    } finally {
      this.operation = null;
    }
  }

  /** Stops every service, dependents first. */
  async down(): Promise<void> {
    this.operation = 'stopping';
    try {
      await this.supervisor.stopAll();
    } finally {
      this.operation = null;
    }
  }

  /**
   * Drops and recreates the database, then migrates and seeds it. Works when the stack is broken: a Postgres
   * that cannot start is re-initialised from scratch. With `leaveRunning` false (no stack was running), the
   * services it started are stopped again.
   */
  async reset(leaveRunning: boolean): Promise<ResetResult> {
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
  async startService(name: string): Promise<void> {
    await this.supervisor.startSome([name, ...this.supervisor.dependentsOf(name)]);
  }

  /** Stops one service and, first, everything that depends on it. */
  async stopService(name: string): Promise<void> {
    await this.supervisor.stopSome([name, ...this.supervisor.dependentsOf(name)], 'stopped by the user');
  }

  /** Stops and starts every service. */
  async restartStack(): Promise<StartOutcome> {
    await this.down();
    return this.up();
  }

  /**
   * The last reset tier: stops everything, deletes the cluster, the logs' history stays, then starts from
   * scratch (initdb, bootstrap, migrations, seed). Secrets and settings are kept, so keys stay valid.
   */
  async purge(): Promise<ResetResult> {
    const begun = Date.now();
    const sup = this.supervisor;
    sup.phase('reset', 'purge', 'running', begun, 'stopping the stack and deleting its database cluster');
    await this.down();
    rmSync(this.config.layout.pgdata, { recursive: true, force: true });
    const outcome = await this.up();
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
    return {
      running: pid !== null,
      state: pid === null ? 'stopped' : (this.operation ?? overallState(services.map((s) => s.state))),
      pid,
      dataDir: this.config.layout.root,
      services,
      connection: connectionInfo(this.config, this.secrets),
      dataPlane: dataPlaneStatus(this.dataPlane),
    };
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
