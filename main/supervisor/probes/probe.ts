/** What to check, and how often. Probes answer "is the service ready (and still alive)?". */
export type ProbeCheck =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'http'; readonly url: string; readonly expectStatus?: (status: number) => boolean }
  | { readonly kind: 'sql'; readonly connectionString: string; readonly query?: string }
  | { readonly kind: 'command'; readonly file: string; readonly args: readonly string[] }
  /** Every check must pass (a process with several listeners, like temp-data-plane's broker and consumer). */
  | { readonly kind: 'all'; readonly checks: readonly ProbeCheck[] };

/** A probe with its schedule. */
export interface ProbeSpec {
  readonly check: ProbeCheck;
  /** Time between probes while running. */
  readonly intervalMs: number;
  /** Time between probes while starting (faster, so start-up is not padded by the interval). */
  readonly startIntervalMs: number;
  readonly timeoutMs: number;
  /** Consecutive failures that turn a healthy service unhealthy. */
  readonly failureThreshold: number;
}

/** The outcome of one probe. */
export type ProbeResult = { readonly ok: true } | { readonly ok: false; readonly error: string };
