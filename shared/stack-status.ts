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
}
