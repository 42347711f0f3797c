/**
 * The state of one service, as the supervisor, the control API, the CLI and the GUI all see it.
 * Everything here is plain, serialisable data: it crosses process boundaries as JSON.
 */

/** Every state a service can be in; see main/supervisor/service-state.ts for the allowed transitions. */
export type ServiceState =
  | 'stopped'
  | 'waiting'
  | 'starting'
  | 'healthy'
  | 'unhealthy'
  | 'stopping'
  | 'completed'
  | 'crashed'
  | 'failed'
  | 'not-installed';

/** A daemon runs until stopped; a one-shot job (like migrations) runs to completion. */
export type ServiceKind = 'daemon' | 'oneshot';

/** The last error a service hit, with the log lines that led up to it. */
export interface ServiceErrorInfo {
  readonly message: string;
  readonly at: string;
  readonly exitCode?: number | null;
  readonly signal?: string | null;
  readonly logTail: readonly string[];
}

/** A snapshot of one service. */
export interface ServiceInfo {
  readonly name: string;
  readonly description: string;
  readonly kind: ServiceKind;
  readonly state: ServiceState;
  readonly pid: number | null;
  readonly port: number | null;
  readonly url: string | null;
  readonly restarts: number;
  readonly startedAt: string | null;
  readonly lastError: ServiceErrorInfo | null;
  readonly dependsOn: readonly string[];
  /** Why the service is not installed, when state is `not-installed`. */
  readonly notInstalledReason: string | null;
}

/** The states in which a service counts as up: the stack is `running` when every service is in one. */
export const READY_STATES: readonly ServiceState[] = ['healthy', 'completed', 'not-installed'];
