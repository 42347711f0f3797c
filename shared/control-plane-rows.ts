// Rows of the control-plane tables, views and functions as the Supabase API returns them (JSON): the typed
// contract between the database (supabase/migrations) and its clients, the GUI first. Flow ids are strings
// (`00:11:22:33:44:55:66:77`), timestamps ISO strings, `json` columns parsed values.

import type { ConnectorTagStatus, DirectiveStatus, DiscoverStatus, PublicationStatus } from './job-status.js';

/** A Flow id as JSON carries it: eight lower-case hex bytes separated by colons. */
export type FlowId = string;

/** The id meaning "this name must not be live yet" in `draft_specs.expect_pub_id`. */
export const NO_PUB_ID: FlowId = '00:00:00:00:00:00:00:00';

export type CatalogSpecType = 'capture' | 'collection' | 'materialization' | 'test';

/** The named capabilities, ordered: admin implies write implies read. */
export type GrantCapability = 'read' | 'write' | 'admin';

/** A JSON value (the `spec` columns). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Columns every model table has. */
export interface ModelRow {
  readonly id: FlowId;
  readonly created_at: string;
  readonly updated_at: string;
  readonly detail: string | null;
}

/** Columns of the queue tables the agent works through. */
export interface AsyncRow<S> extends ModelRow {
  readonly job_status: S;
  /** Bearer token of the job's logs: `view_logs(logs_token)`. */
  readonly logs_token: string;
}

/** `drafts_ext`: the caller's drafts with their spec counts. */
export interface DraftRow extends ModelRow {
  readonly user_id: string;
  readonly num_specs: number;
}

/** `draft_specs`: a spec of a draft; `spec` null means "delete this live spec". */
export interface DraftSpecRow extends ModelRow {
  readonly draft_id: FlowId;
  readonly catalog_name: string;
  readonly expect_pub_id: FlowId | null;
  readonly spec: Json | null;
  readonly spec_type: CatalogSpecType | null;
}

/** `draft_specs_ext`: a draft spec beside the live spec of the same name. */
export interface DraftSpecExtRow extends DraftSpecRow {
  readonly last_pub_detail: string | null;
  readonly last_pub_id: FlowId | null;
  readonly last_pub_user_id: string | null;
  readonly last_pub_user_avatar_url: string | null;
  readonly last_pub_user_email: string | null;
  readonly last_pub_user_full_name: string | null;
  readonly live_spec: Json | null;
  readonly live_spec_type: CatalogSpecType | null;
}

/** `draft_errors`: `scope` is a resource URL with a JSON-pointer fragment naming where the error is. */
export interface DraftErrorRow {
  readonly draft_id: FlowId;
  readonly scope: string;
  readonly detail: string;
}

/** `publications`: a request to publish (or dry-run) a draft, and its outcome. */
export interface PublicationRow extends AsyncRow<PublicationStatus> {
  readonly user_id: string;
  readonly draft_id: FlowId;
  readonly dry_run: boolean;
}

/** `live_specs`: the current state of a published name (spec null once deleted). */
export interface LiveSpecRow extends ModelRow {
  readonly catalog_name: string;
  readonly connector_image_name: string | null;
  readonly connector_image_tag: string | null;
  readonly last_build_id: FlowId;
  readonly last_pub_id: FlowId;
  readonly reads_from: string[] | null;
  readonly writes_to: string[] | null;
  readonly spec: Json | null;
  readonly spec_type: CatalogSpecType | null;
}

/** Connector fields by language (`{"en-US": "..."}`), from Open Graph. */
export type Localized = Readonly<Record<string, string>>;

/** `live_specs_ext`: a live spec with its connector and last publication. */
export interface LiveSpecExtRow extends LiveSpecRow {
  readonly connector_external_url: string | null;
  readonly connector_id: FlowId | null;
  readonly connector_title: Localized | null;
  readonly connector_short_description: Localized | null;
  readonly connector_logo_url: Localized | null;
  readonly connector_recommended: boolean | null;
  readonly connector_tag_id: FlowId | null;
  readonly connector_tag_documentation_url: string | null;
  readonly last_pub_detail: string | null;
  readonly last_pub_user_id: string | null;
  readonly last_pub_user_avatar_url: string | null;
  readonly last_pub_user_email: string | null;
  readonly last_pub_user_full_name: string | null;
}

/** `publication_specs_ext`: one version in a live spec's history. */
export interface PublicationSpecExtRow {
  readonly live_spec_id: FlowId;
  readonly pub_id: FlowId;
  readonly detail: string | null;
  readonly published_at: string;
  readonly spec: Json | null;
  readonly spec_type: CatalogSpecType | null;
  readonly user_id: string;
  readonly catalog_name: string;
  readonly last_pub_id: FlowId;
  readonly user_email: string | null;
  readonly user_full_name: string | null;
  readonly user_avatar_url: string | null;
}

/** `live_spec_flows`: an edge of the data-flow graph (source feeds target). */
export interface LiveSpecFlowRow {
  readonly source_id: FlowId;
  readonly target_id: FlowId;
  readonly flow_type: CatalogSpecType;
}

/** `connectors`: a connector image with its Open Graph metadata. */
export interface ConnectorRow extends ModelRow {
  readonly external_url: string;
  readonly image_name: string;
  readonly title: Localized | null;
  readonly short_description: Localized | null;
  readonly logo_url: Localized | null;
  readonly recommended: boolean;
}

/** `connector_tags`: a version of a connector; the agent fills its schemas. */
export interface ConnectorTagRow extends AsyncRow<ConnectorTagStatus> {
  readonly connector_id: FlowId;
  readonly image_tag: string;
  readonly documentation_url: string | null;
  readonly endpoint_spec_schema: Json | null;
  readonly resource_spec_schema: Json | null;
  readonly protocol: string | null;
}

/** `discovers`: a discovery of a capture into a draft. */
export interface DiscoverRow extends AsyncRow<DiscoverStatus> {
  readonly capture_name: string;
  readonly connector_tag_id: FlowId;
  readonly draft_id: FlowId;
  readonly endpoint_config: Json;
}

/** `combined_grants_ext`: user grants (with the user's profile) and role grants in one list. */
export interface CombinedGrantRow {
  readonly id: FlowId;
  readonly capability: GrantCapability;
  readonly created_at: string;
  readonly updated_at: string;
  readonly detail: string | null;
  readonly object_role: string;
  readonly subject_role: string | null;
  readonly user_id: string | null;
  readonly user_email: string | null;
  readonly user_full_name: string | null;
  readonly user_avatar_url: string | null;
}

/** `directives`: an action users may apply with its token (e.g. `betaOnboard`). */
export interface DirectiveRow extends ModelRow {
  readonly catalog_prefix: string;
  readonly single_use: boolean;
  readonly spec: { readonly type: string } & Readonly<Record<string, Json>>;
  readonly token: string | null;
}

/** `applied_directives`: a user's application of a directive, with the claims they supplied. */
export interface AppliedDirectiveRow extends AsyncRow<DirectiveStatus> {
  readonly directive_id: FlowId;
  readonly user_id: string;
  readonly user_claims: Json | null;
}

/** `exchange_directive_token(bearer_token)`: the directive and the application it created. */
export interface ExchangedDirective {
  readonly directive: DirectiveRow;
  readonly applied_directive: AppliedDirectiveRow;
}

/** `auth_roles(min_capability)`: a role (catalog prefix) of the caller with its capability. */
export interface AuthRoleRow {
  readonly role_prefix: string;
  readonly capability: GrantCapability;
}

/** `view_logs(bearer_token)`: one line of a job's logs. */
export interface LogLineRow {
  readonly log_line: string;
  readonly logged_at: string;
  readonly stream: string;
  readonly token: string;
}
