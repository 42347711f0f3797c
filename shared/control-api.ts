import type { ConnectorTagStatus } from './job-status.js';
import type { MailMessage } from './mailbox.js';
import type { PreflightCheck } from './preflight.js';
import type { ServiceInfo } from './service-info.js';
import type { LogLine } from './stack-events.js';
import type { StackStatus } from './stack-status.js';

/**
 * The control API between a running supervisor and its clients (the CLI, the GUI in a browser or in
 * Electron): every route with its request and response types. Served on 127.0.0.1 with a per-run bearer token;
 * the events route is a server-sent-event stream of `StackEvent`s.
 */
export interface ControlRoutes {
  'GET /v1/status': { readonly request: Record<string, never>; readonly response: StackStatus };
  'GET /v1/logs': {
    /**
     * `search` is a case-insensitive regular expression in RE2 syntax (linear-time: no lookarounds or
     * backreferences; a bad one is a 400 `bad_search`); `n` (0–100000, default 100) the number of newest
     * matching lines.
     */
    readonly request: { readonly service?: string; readonly n?: number; readonly search?: string };
    readonly response: { readonly lines: readonly LogLine[] };
  };
  'POST /v1/services/start': {
    readonly request: { readonly service: string } & OperationOptions;
    readonly response: ServiceInfo;
  };
  'POST /v1/services/stop': {
    readonly request: { readonly service: string } & OperationOptions;
    readonly response: ServiceInfo;
  };
  'POST /v1/services/restart': {
    readonly request: { readonly service: string } & OperationOptions;
    readonly response: ServiceInfo;
  };
  'POST /v1/stack/restart': { readonly request: OperationOptions; readonly response: StackStatus };
  'POST /v1/reset': { readonly request: OperationOptions; readonly response: ResetResult };
  'POST /v1/purge': { readonly request: OperationOptions; readonly response: ResetResult };
  'GET /v1/preflight': {
    readonly request: Record<string, never>;
    readonly response: PreflightReport;
  };
  /** Runs the pre-flight checks again now (ports of running services count as this stack's own). */
  'POST /v1/preflight': {
    readonly request: Record<string, never>;
    readonly response: PreflightReport;
  };
  'GET /v1/settings': { readonly request: Record<string, never>; readonly response: SettingsInfo };
  'PUT /v1/settings': { readonly request: Settings; readonly response: SettingsInfo };
  'POST /v1/diagnostics': {
    /** `inline`: also send the zip back (base64), for a browser to download. */
    readonly request: { readonly inline?: boolean };
    readonly response: { readonly path: string; readonly bytes: number; readonly base64?: string };
  };
  'GET /v1/mailbox': {
    readonly request: Record<string, never>;
    readonly response: { readonly messages: readonly MailMessage[] };
  };
  'POST /v1/mailbox/clear': {
    readonly request: Record<string, never>;
    readonly response: { readonly deleted: number };
  };
  'POST /v1/ui-link': {
    readonly request: Record<string, never>;
    readonly response: { readonly url: string };
  };
  'POST /v1/shutdown': {
    readonly request: { readonly requestedBy?: OperationRequester };
    readonly response: { readonly stopping: true };
  };
  'GET /v1/migrations': { readonly request: Record<string, never>; readonly response: MigrationsInfo };
  'GET /v1/migrations/pending': {
    readonly request: { readonly file: string };
    readonly response: PendingFileContent;
  };
  'POST /v1/migrations/lint': { readonly request: Record<string, never>; readonly response: LintReport };
  /**
   * Queues a connector tag's job again (a new pull, `api spec` and Open Graph fetch): its `job_status` goes back
   * to `queued` with a new `logs_token`, as an operator of the hosted control plane re-queues a failed tag.
   * 404 `no_connector_tag`; 409 `already_queued` while the tag waits for (or is worked by) an agent.
   */
  'POST /v1/connector-tags/retry': {
    readonly request: { readonly tagId: string };
    readonly response: ConnectorTagRetry;
  };
}

/** A route key such as `GET /v1/status`. */
export type ControlRoute = keyof ControlRoutes;

/** Every route, for servers that dispatch on them. */
export const CONTROL_ROUTES: readonly ControlRoute[] = [
  'GET /v1/status',
  'GET /v1/logs',
  'POST /v1/services/start',
  'POST /v1/services/stop',
  'POST /v1/services/restart',
  'POST /v1/stack/restart',
  'POST /v1/reset',
  'POST /v1/purge',
  'GET /v1/preflight',
  'POST /v1/preflight',
  'GET /v1/settings',
  'PUT /v1/settings',
  'POST /v1/diagnostics',
  'GET /v1/mailbox',
  'POST /v1/mailbox/clear',
  'POST /v1/ui-link',
  'POST /v1/shutdown',
  'GET /v1/migrations',
  'GET /v1/migrations/pending',
  'POST /v1/migrations/lint',
  'POST /v1/connector-tags/retry',
];

/** The SSE route: `event: stack` lines carrying a StackEvent as JSON. */
export const EVENTS_PATH = '/v1/events';

/**
 * The GUI's browser session (headless mode): `POST` trades a UI link's one-time code (`{ code }`) for an
 * HttpOnly, SameSite=Strict cookie shared by every tab of the origin; `GET` says whether the request's cookie is
 * signed in; `DELETE` ends the session. All three answer `SessionInfo`.
 */
export const SESSION_PATH = '/v1/session';

/**
 * Stack operations run one at a time, whoever asks (GUI, tray, CLI): each gets an id, and is announced as a
 * `stack-operation` event when it is queued, starts and ends. Stopping the whole stack (`POST /v1/shutdown`)
 * does not queue: it goes first, and what waits is refused.
 */
export type StackOperationKind =
  | 'start'
  | 'stop'
  | 'restart-stack'
  | 'reset'
  | 'purge'
  | 'start-service'
  | 'stop-service'
  | 'restart-service';

/** Who asked for an operation (`supervisor`: the initial start). */
export type OperationRequester = 'cli' | 'gui' | 'tray' | 'supervisor' | 'client';

/** One operation, running or waiting its turn. */
export interface StackOperationInfo {
  /** `op-<n>`, unique within the supervisor's life. */
  readonly id: string;
  readonly kind: StackOperationKind;
  /** The service of a per-service operation. */
  readonly service: string | null;
  readonly requestedBy: OperationRequester;
  readonly queuedAt: string;
  /** When it started; null while it waits. */
  readonly startedAt: string | null;
}

/**
 * How a mutating request behaves while another operation runs: `refuse` (the default) answers 409
 * `operation_in_progress` with the running and waiting operations (OperationBusyError); `wait` waits its turn.
 */
export interface OperationOptions {
  readonly ifBusy?: 'wait' | 'refuse';
  readonly requestedBy?: OperationRequester;
}

/** The 409 answer to a request refused because another operation runs (or the stack is stopping). */
export interface OperationBusyError {
  readonly error: {
    readonly code: 'operation_in_progress' | 'stack_stopping';
    readonly message: string;
    readonly running: StackOperationInfo | null;
    readonly queued: readonly StackOperationInfo[];
  };
}

/** The header (and value) every cookie-authenticated request must carry; pages of other origins cannot send it. */
export const SESSION_HEADER = 'x-requested-by';
export const SESSION_HEADER_VALUE = 'flow-desktop';

/** The answer of the session route. */
export interface SessionInfo {
  readonly signedIn: boolean;
}

/** The pre-flight checks and when they ran (ISO; null before the first run). */
export interface PreflightReport {
  readonly checks: readonly PreflightCheck[];
  readonly ranAt: string | null;
}

/** What a database reset or purge did. */
export interface ResetResult {
  readonly ok: boolean;
  readonly elapsedMs: number;
  /** True when the cluster was re-created from scratch (purge, or a cluster that could not start). */
  readonly reinitialised: boolean;
  readonly error?: string;
}

/** User settings of a data directory; they apply at the next start of the stack. */
export interface Settings {
  readonly dbPort?: number;
  readonly apiPort?: number;
  readonly uiPort?: number;
  readonly mailboxPort?: number;
  readonly agentCount?: number;
  readonly flowBinDir?: string | null;
  readonly keepRunningOnQuit?: boolean;
}

/** Settings with what the stack runs with now and what the Flow bin directory holds. */
export interface SettingsInfo {
  readonly settings: Settings;
  readonly effective: {
    readonly dataDir: string;
    readonly dbPort: number;
    readonly apiPort: number;
    readonly uiPort: number;
    readonly mailboxPort: number;
    readonly agentCount: number;
    readonly flowBinDir: string | null;
  };
  readonly binaries: readonly { readonly name: string; readonly path: string | null }[];
  /** True when saved settings differ from what runs: a stack restart applies them. */
  readonly restartNeeded: boolean;
}

/** A connector tag queued again: its new status and logs token, and the status it had before. */
export interface ConnectorTagRetry {
  readonly tagId: string;
  readonly jobStatus: ConnectorTagStatus;
  readonly logsToken: string;
  readonly previous: ConnectorTagStatus;
  readonly updatedAt: string;
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
  /** The web UI, when the supervisor serves one (`flow-desktop serve`). */
  readonly uiUrl?: string;
}

/** One file of supabase/migrations and whether the stack's database has applied it. */
export interface LocalMigration {
  readonly file: string;
  readonly version: string;
  /** sha256 of the file, hex. */
  readonly checksum: string;
  /** Null when the stack's database could not be asked (not running). */
  readonly applied: boolean | null;
  /** True when the database applied a different text of this file (it was edited afterwards). */
  readonly changed: boolean;
}

/** What `flow-desktop db diff` found the last time it ran for this data directory. */
export interface DiffSummary {
  readonly at: string;
  /** The target without its password: `postgresql://user@host:port/db`. */
  readonly target: string;
  readonly targetServer: string;
  /** The newest migration file, and a checksum over all of them. */
  readonly migrationsHead: string;
  readonly migrationsChecksum: string;
  readonly elapsedMs: number;
  /** Statements to apply (noise excluded). */
  readonly statements: number;
  readonly destructive: readonly string[];
  /** Statements recognised as privilege-reordering noise (written commented out, never applied). */
  readonly noise: readonly string[];
  readonly warnings: readonly string[];
  /** The pending file written, or null when there was nothing to apply. */
  readonly file: string | null;
  /** Where the scratch database ran: in the stack's cluster or in a temporary one. */
  readonly scratch: 'stack' | 'temporary';
}

/** The header `db diff` writes at the top of a pending file. */
export interface PendingFileHeader {
  readonly name: string;
  readonly target: string;
  readonly targetServer: string;
  readonly generatedAt: string;
  readonly migrationsHead: string;
  readonly migrationsChecksum: string;
  readonly schemas: readonly string[];
}

/** One file of supabase/pending. */
export interface PendingFileInfo {
  readonly file: string;
  /** Null for a file `db diff` did not write (a hand-written one). */
  readonly header: PendingFileHeader | null;
  readonly statements: number;
  readonly noise: number;
  readonly destructive: number;
  /** Where `db apply` applied it from this data directory. */
  readonly applied: readonly { readonly target: string; readonly at: string }[];
}

/** A pending file's text, with its statements classified. */
export interface PendingFileContent {
  readonly file: string;
  readonly text: string;
  readonly statements: readonly string[];
  readonly destructive: readonly string[];
  readonly noise: readonly string[];
}

/** One problem `db lint` found in the migrations. */
export interface LintFinding {
  readonly rule: string;
  /** The migration file that created the object (or holds the statement); null when unknown. */
  readonly file: string | null;
  readonly object: string;
  readonly message: string;
}

/** The result of linting the migrations on a scratch database. */
export interface LintReport {
  readonly at: string;
  readonly elapsedMs: number;
  readonly migrations: number;
  readonly rules: readonly string[];
  readonly findings: readonly LintFinding[];
}

/** One database test of the last recorded run. */
export interface DatabaseTestResult {
  readonly file: string;
  readonly name: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly durationMs: number | null;
  readonly failure: string | null;
}

/** The last recorded run of the database tests (supabase/tests), by `flow-desktop db test`. */
export interface DatabaseTestReport {
  readonly at: string;
  readonly durationMs: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly tests: readonly DatabaseTestResult[];
}

/** Everything the GUI's migrations page shows. */
export interface MigrationsInfo {
  readonly migrationsDir: string;
  readonly pendingDir: string;
  readonly local: readonly LocalMigration[];
  /** Why `applied` is unknown, when it is. */
  readonly localNote: string | null;
  readonly lastDiff: DiffSummary | null;
  readonly pending: readonly PendingFileInfo[];
  readonly lint: LintReport | null;
  readonly databaseTests: DatabaseTestReport | null;
}

export type { PreflightCheck };
