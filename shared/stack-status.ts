import type { StackOperationInfo } from './control-api.js';
import type { ServiceInfo } from './service-info.js';

/**
 * How to reach the stack, with the key names of `supabase status -o env` so existing scripts and `.env`
 * files work unchanged.
 */
export interface ConnectionInfo {
  readonly API_URL: string;
  readonly REST_URL: string;
  readonly DB_URL: string;
  readonly STUDIO_URL: string;
  readonly INBUCKET_URL: string;
  readonly JWT_SECRET: string;
  readonly ANON_KEY: string;
  readonly SERVICE_ROLE_KEY: string;
}

/**
 * The stack as a whole: `starting`/`stopping` while an operation runs, `running` when every service is up,
 * `degraded` when one is not (unhealthy, crashed, failed), `stopped` when no supervisor runs.
 */
export type StackState = 'starting' | 'running' | 'degraded' | 'stopping' | 'stopped';

/** The whole stack at a glance. */
export interface StackStatus {
  /** True when a supervisor is running for this data directory. */
  readonly running: boolean;
  readonly state: StackState;
  /** Pid of the supervisor, when running. */
  readonly pid: number | null;
  readonly dataDir: string;
  readonly services: readonly ServiceInfo[];
  readonly connection: ConnectionInfo;
  /** The web UI's address when the supervisor serves it (headless mode), without a login code. */
  readonly uiUrl?: string | null;
  /** Which Flow binaries were found (and where) and the data plane's addresses. */
  readonly dataPlane?: DataPlaneStatus;
  /** The operation running now (start, reset, restart of a service...), and those waiting their turn. */
  readonly operation?: StackOperationInfo | null;
  readonly queuedOperations?: readonly StackOperationInfo[];
  /** Problems of the stack as a whole (a full disk, an error the supervisor survived, orphans); newest last. */
  readonly problems?: readonly StackProblem[];
}

/**
 * A problem of the stack rather than of one service. `error` problems make the stack `degraded` until they
 * are resolved (a full disk clears itself once lines can be written again); `warning`s only inform.
 */
export interface StackProblem {
  /** Stable per kind of problem: `disk-full`, `log-write`, `state-write`, `uncaught-error`, `orphans`. */
  readonly id: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly since: string;
}

/** Where a Flow binary was found: the configured bin directory, the app's `resources/bin/`, or `PATH`. */
export type FlowBinarySource = 'bin-dir' | 'resources' | 'path';

/** One Flow binary the data plane needs, found or missing. */
export interface FlowBinaryInfo {
  readonly name: string;
  /** Absolute path of the executable, or null when it was not found anywhere. */
  readonly path: string | null;
  readonly source: FlowBinarySource | null;
  /** What needs it, for the "missing" message (e.g. `temp-data-plane`). */
  readonly neededBy: string;
}

/**
 * The Flow data plane as the stack sees it: the binaries looked for (in search order: bin directory,
 * `resources/bin/`, `PATH`), and the addresses of the services it runs (null when a service is not run
 * because its binaries are missing).
 */
export interface DataPlaneStatus {
  readonly binaries: readonly FlowBinaryInfo[];
  /** The folders searched, in order; `PATH` stands for the directories of the PATH variable. */
  readonly searched: readonly string[];
  /** `http://127.0.0.1:<broker port>` when the temp-data-plane runs. */
  readonly brokerAddress: string | null;
  readonly consumerAddress: string | null;
  /** The gateway's base URL (as written to `internal.gateway_endpoints`) when it runs. */
  readonly gatewayUrl: string | null;
}
