// The one typed contract for what agents write into `job_status` of the queue tables. The GUI, the CLI and tests
// read the same shapes: `type` says how the job ended, the other fields explain it.

/** Every job starts here; the queue scan selects rows in this state. */
export interface QueuedStatus {
  readonly type: 'queued';
}

/** What happened to the data plane steps of a publication. */
export interface DataPlaneReport {
  /** `ran` with Flow binaries; `skipped` in control-plane-only mode (with the reason). */
  readonly mode: 'ran' | 'skipped';
  readonly reason?: string;
  /** The steps that ran, in order (build, test, activate, delete). */
  readonly steps: readonly string[];
}

/** Which checks a publication ran, so that a success says how far the catalog was checked. */
export interface PublicationChecks {
  /** Flow Desktop's own catalog checks (names, keys, schemas, bindings, deletions): run on every publication. */
  readonly catalog: 'passed' | 'failed';
  /** Flow's build and tests (flowctl-go): `skipped` without Flow binaries, or when earlier checks failed. */
  readonly build: 'passed' | 'failed' | 'skipped';
  /** What ran, in a line: "checked by Flow Desktop; not built (flowctl-go not found)". */
  readonly summary: string;
}

/** Outcome of a publication. */
export type PublicationStatus =
  | QueuedStatus
  | {
      readonly type: 'buildFailed' | 'testFailed' | 'publishFailed';
      readonly error: string;
      readonly dataPlane?: DataPlaneReport;
      readonly checks?: PublicationChecks;
    }
  | {
      readonly type: 'success';
      readonly dryRun: boolean;
      /** Specs changed by the draft, and connected specs rebuilt with them. */
      readonly changed: number;
      readonly expanded: number;
      readonly dataPlane: DataPlaneReport;
      /** Absent in statuses written before the checks were reported. */
      readonly checks?: PublicationChecks;
      /** Set when the catalog was not fully checked (no Flow build): the GUI shows it as a warning. */
      readonly warning?: string;
    };

/** Outcome of fetching a connector tag's spec and metadata. */
export type ConnectorTagStatus =
  | QueuedStatus
  | { readonly type: 'pullFailed' | 'specFailed' | 'openGraphFailed'; readonly error: string }
  | { readonly type: 'success' };

/** Outcome of a discover. */
export type DiscoverStatus =
  | QueuedStatus
  | { readonly type: 'discoverFailed' | 'mergeFailed'; readonly error: string }
  | { readonly type: 'success'; readonly specs: number };

/** Outcome of applying a directive. */
export type DirectiveStatus =
  | QueuedStatus
  | { readonly type: 'invalidDirective' | 'invalidClaims'; readonly error: string }
  | { readonly type: 'success' };

/** Any job status. */
export type JobStatus = PublicationStatus | ConnectorTagStatus | DiscoverStatus | DirectiveStatus;
