-- Flow control plane, part 5: drafts, their specs and errors, and discovers (which write into drafts).

create table drafts (
  like internal._model including all,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade
);
alter table drafts enable row level security;
create index idx_drafts_user_id on drafts (user_id);
create policy "Users access only their own drafts"
  on drafts for all to authenticated
  using (user_id = auth.uid())
  with check (user_id = auth.uid());
-- user_id always defaults to the caller: users may only write the description.
grant select, delete on drafts to authenticated;
grant insert (detail), update (detail) on drafts to authenticated;

comment on table drafts is 'Drafts: catalog changes a user is working on, published as a whole.';
comment on column drafts.user_id is 'User who owns the draft.';

-- Whether the caller owns a draft. Security definer: it is called from policies of tables that follow the
-- draft, and checking ownership directly avoids evaluating the drafts policy once per checked row.
create function internal.owns_draft(draft flowid)
returns boolean
language sql stable security definer
set search_path = public, pg_temp
as $$ select exists (select 1 from drafts d where d.id = draft and d.user_id = auth.uid()) $$;
comment on function internal.owns_draft(flowid) is 'True when the requesting user owns the draft.';

create table draft_specs (
  like internal._model including all,
  draft_id flowid not null references drafts (id) on delete cascade,
  catalog_name catalog_name not null,
  expect_pub_id flowid default null,
  spec json,
  spec_type catalog_spec_type,
  unique (draft_id, catalog_name),
  constraint "spec and spec_type must be consistent" check (
    json_typeof(spec) is distinct from 'null' and (spec is null) = (spec_type is null))
);
alter table draft_specs enable row level security;
create policy "Users access specs of their own drafts"
  on draft_specs for all to authenticated
  using (internal.owns_draft(draft_id))
  with check (internal.owns_draft(draft_id));
grant select, delete on draft_specs to authenticated;
grant insert (draft_id, catalog_name, expect_pub_id, spec, spec_type, detail) on draft_specs to authenticated;
grant update (catalog_name, expect_pub_id, spec, spec_type, detail) on draft_specs to authenticated;

comment on table draft_specs is 'Catalog specs of drafts: what publishing the draft would change.';
comment on column draft_specs.draft_id is 'Draft which this spec belongs to.';
comment on column draft_specs.catalog_name is 'Catalog name of this spec.';
comment on column draft_specs.expect_pub_id is
  'Publication id the live spec must still have for this draft to publish: null for no check, 00:00:00:00:00:00:00:00 for "must not exist yet".';
comment on column draft_specs.spec is 'Spec to publish, or null to delete the live spec on publication.';
comment on column draft_specs.spec_type is 'Type of the spec, or null to delete the live spec on publication.';

create table draft_errors (
  draft_id flowid not null references drafts (id) on delete cascade,
  scope text not null,
  detail text not null
);
alter table draft_errors enable row level security;
create index idx_draft_errors_draft_id on draft_errors (draft_id);
create policy "Users access errors of their own drafts"
  on draft_errors for all to authenticated
  using (internal.owns_draft(draft_id))
  with check (internal.owns_draft(draft_id));
grant select, delete on draft_errors to authenticated;

comment on table draft_errors is 'Errors from validating, testing or publishing a draft.';
comment on column draft_errors.draft_id is 'Draft which produced this error.';
comment on column draft_errors.scope is 'Location of the error (a resource URL with a JSON pointer fragment).';
comment on column draft_errors.detail is 'Description of the error.';

create table discovers (
  like internal._model_async including all,
  capture_name catalog_name not null,
  connector_tag_id flowid not null references connector_tags (id),
  draft_id flowid not null references drafts (id) on delete cascade,
  endpoint_config json_obj not null
);
alter table discovers enable row level security;
create policy "Users access discovers into their own drafts"
  on discovers for all to authenticated
  using (internal.owns_draft(draft_id))
  with check (internal.owns_draft(draft_id));
grant select on discovers to authenticated;
grant insert (capture_name, connector_tag_id, draft_id, endpoint_config) on discovers to authenticated;
create unique index idx_discovers_id_where_queued on discovers (id)
  where job_status ->> 'type' = 'queued';

comment on table discovers is 'Discover operations: the agent runs a connector''s discovery and merges the result into a draft.';
comment on column discovers.capture_name is 'Name of the capture to create or update in the draft.';
comment on column discovers.connector_tag_id is 'Connector tag to discover with.';
comment on column discovers.draft_id is 'Draft to merge the discovered capture and collections into.';
comment on column discovers.endpoint_config is 'Endpoint configuration of the connector (may be encrypted).';
