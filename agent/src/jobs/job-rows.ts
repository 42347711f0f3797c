// The queue rows each handler dequeues, as the agent selects them (flowids are strings such as
// "01:23:45:67:89:ab:cd:ef"; json columns arrive parsed).

/** Columns every queue row carries. */
export interface QueueRow {
  readonly id: string;
  readonly logs_token: string;
}

/** A queued `publications` row. */
export interface PublicationRow extends QueueRow {
  readonly user_id: string;
  readonly draft_id: string;
  readonly dry_run: boolean;
  readonly detail: string | null;
}

/** A queued `connector_tags` row joined with its connector. */
export interface ConnectorTagRow extends QueueRow {
  readonly connector_id: string;
  readonly image_tag: string;
  readonly image_name: string;
  readonly external_url: string;
}

/** A queued `discovers` row joined with its connector tag. */
export interface DiscoverRow extends QueueRow {
  readonly capture_name: string;
  readonly connector_tag_id: string;
  readonly draft_id: string;
  readonly endpoint_config: unknown;
  readonly image_name: string;
  readonly image_tag: string;
  readonly tag_job_type: string;
  readonly protocol: string | null;
}

/** A queued `applied_directives` row joined with its directive. */
export interface AppliedDirectiveRow extends QueueRow {
  readonly directive_id: string;
  readonly user_id: string;
  readonly user_claims: unknown;
  readonly catalog_prefix: string;
  readonly spec: unknown;
}
