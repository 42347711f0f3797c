-- Flow control plane, part 4: connectors and their image tags.

-- The open-graph fields used for display, keyed by language: {"en-US": <og[en-US][field]>, ...}, or null when
-- no language has the field. Used by generated columns, hence immutable and free of subqueries in callers.
create function internal.open_graph_field(open_graph jsonb, field text)
returns json
language sql immutable
as $$
  select json_object_agg(lang, value -> field order by lang)
  from jsonb_each(open_graph) as og (lang, value)
  where jsonb_typeof(value) = 'object' and value ? field
$$;
comment on function internal.open_graph_field(jsonb, text) is
  'Object of language => open_graph[language][field] for the languages having the field; null when none has it.';

create table connectors (
  like internal._model including all,
  external_url text not null,
  image_name text unique not null,
  open_graph_raw jsonb_obj,
  open_graph_patch jsonb_obj,
  open_graph jsonb_obj generated always as (internal.jsonb_merge_patch(open_graph_raw, open_graph_patch)) stored,
  title json_obj generated always as (
    internal.open_graph_field(internal.jsonb_merge_patch(open_graph_raw, open_graph_patch), 'title')) stored,
  short_description json_obj generated always as (
    internal.open_graph_field(internal.jsonb_merge_patch(open_graph_raw, open_graph_patch), 'description')) stored,
  logo_url json_obj generated always as (
    internal.open_graph_field(internal.jsonb_merge_patch(open_graph_raw, open_graph_patch), 'image')) stored,
  recommended boolean not null generated always as (coalesce(
    internal.jsonb_merge_patch(open_graph_raw, open_graph_patch) -> 'en-US' ->> 'recommended' = 'True', false)) stored,
  oauth2_client_id text,
  oauth2_client_secret text,
  oauth2_injected_values jsonb_obj,
  oauth2_spec jsonb_obj,
  constraint "image_name must be a container image without a tag" check (image_name ~ '^[^:@]+(:[0-9]+)?(/[^:@]+)*$'),
  -- "is not distinct from": a missing en-US yields SQL NULL, which a plain comparison would let pass.
  constraint "title must have en-US" check (title is null or json_typeof(title -> 'en-US') is not distinct from 'string'),
  constraint "short_description must have en-US" check (
    short_description is null or json_typeof(short_description -> 'en-US') is not distinct from 'string'),
  constraint "logo_url must have en-US" check (
    logo_url is null or json_typeof(logo_url -> 'en-US') is not distinct from 'string')
);
-- Connectors are public to signed-in users; RLS is on (as on every public table) with a policy that lets
-- them see every row, while column privileges hide the raw open graph, the admin patch and the secret.
alter table connectors enable row level security;
create policy "Authenticated users select every connector"
  on connectors for select to authenticated
  using (true);
grant select (
  id, created_at, detail, updated_at, external_url, image_name, open_graph, title, short_description, logo_url,
  recommended, oauth2_client_id, oauth2_injected_values, oauth2_spec
) on connectors to authenticated;

comment on table connectors is 'Connectors: container images that capture from or materialize into external systems.';
comment on column connectors.external_url is 'External URL with more information about the connector (its open graph source).';
comment on column connectors.image_name is 'Name of the connector''s container image, without a tag (e.g. ghcr.io/estuary/source-postgres).';
comment on column connectors.open_graph_raw is
  'Open-graph metadata fetched from external_url, keyed by language (e.g. {"en-US": {"title": ...}}).';
comment on column connectors.open_graph_patch is 'Merge patch maintained by administrators, applied over open_graph_raw.';
comment on column connectors.open_graph is 'open_graph_raw merged with open_graph_patch.';
comment on column connectors.title is 'Title of the connector by language (from the merged open-graph "title").';
comment on column connectors.short_description is 'Short description by language (from the merged open-graph "description").';
comment on column connectors.logo_url is 'Logo URL by language (from the merged open-graph "image").';
comment on column connectors.recommended is 'Whether the connector is recommended (merged open-graph en-US "recommended" is "True").';
comment on column connectors.oauth2_client_id is 'OAuth2 client id, when the connector supports OAuth2.';
comment on column connectors.oauth2_client_secret is 'OAuth2 client secret; never readable by API users.';
comment on column connectors.oauth2_injected_values is 'Values injected into the OAuth2 flow (templating variables).';
comment on column connectors.oauth2_spec is 'OAuth2 specification of the connector, as returned by its spec.';

create table connector_tags (
  like internal._model_async including all,
  connector_id flowid not null references connectors (id),
  image_tag text not null,
  documentation_url text,
  endpoint_spec_schema json_obj,
  resource_spec_schema json_obj,
  protocol text,
  unique (connector_id, image_tag),
  constraint "image_tag must be :<tag> or @sha256:<digest>" check (image_tag ~ '^(:[[:alnum:]_][[:alnum:]_.-]*|@sha256:[[:xdigit:]]{64})$')
);
alter table connector_tags enable row level security;
create policy "Authenticated users select every connector tag"
  on connector_tags for select to authenticated
  using (true);
grant select on connector_tags to authenticated;
-- Agents scan for queued rows; the partial index keeps that scan proportional to the queue, not the table.
create unique index idx_connector_tags_id_where_queued on connector_tags (id)
  where job_status ->> 'type' = 'queued';

comment on table connector_tags is 'Available image tags (versions) of connectors; queued tags are fetched and specified by the agent.';
comment on column connector_tags.connector_id is 'Connector of this tag.';
comment on column connector_tags.image_tag is 'Image tag, including its separator: :v1, :latest, :local or @sha256:<digest>.';
comment on column connector_tags.documentation_url is 'Documentation URL of the tagged connector (from its spec).';
comment on column connector_tags.endpoint_spec_schema is 'JSON schema of the endpoint configuration (from its spec).';
comment on column connector_tags.resource_spec_schema is 'JSON schema of a binding''s resource configuration (from its spec).';
comment on column connector_tags.protocol is 'Protocol of the connector (capture or materialization).';
