import type { PreflightCheck } from './preflight.js';
import type { ServiceInfo } from './service-info.js';
import type { LogLine } from './stack-events.js';
import type { StackStatus } from './stack-status.js';

/**
 * The control API between a running supervisor and its clients (the CLI now, the GUI later): every route
 * with its request and response types. Served on 127.0.0.1 with a per-run bearer token; the events route is a
 * server-sent-event stream of `StackEvent`s.
 */
export interface ControlRoutes {
  'GET /v1/status': { readonly request: Record<string, never>; readonly response: StackStatus };
  'GET /v1/logs': {
    readonly request: { readonly service?: string; readonly n?: number };
    readonly response: { readonly lines: readonly LogLine[] };
  };
  'POST /v1/services/restart': {
    readonly request: { readonly service: string };
    readonly response: ServiceInfo;
  };
  'POST /v1/reset': { readonly request: Record<string, never>; readonly response: ResetResult };
  'POST /v1/shutdown': {
    readonly request: Record<string, never>;
    readonly response: { readonly stopping: true };
  };
}

/** A route key such as `GET /v1/status`. */
export type ControlRoute = keyof ControlRoutes;

/** The SSE route: `event: stack` lines carrying a StackEvent as JSON. */
export const EVENTS_PATH = '/v1/events';

/** What a database reset did. */
export interface ResetResult {
  readonly ok: boolean;
  readonly elapsedMs: number;
  /** True when the cluster could not start and was re-initialised from scratch. */
  readonly reinitialised: boolean;
  readonly error?: string;
}

/** The error body of every failed control API call. */
export interface ControlError {
  readonly error: { readonly code: string; readonly message: string };
}

/** Where clients find a running supervisor; kept in <data>/run/control.json with owner-only permissions. */
export interface ControlEndpoint {
  readonly pid: number;
  readonly url: string;
  readonly token: string;
  readonly startedAt: string;
}

export type { PreflightCheck };
