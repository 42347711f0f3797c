-- Flow control plane, part 6: publications, the live catalog, its data flows and its history.

create table publications (
  like internal._model_async including all,
  user_id uuid not null default auth.uid() references auth.users (id),
  -- No foreign key: the publication is an audit record that outlives its draft.
  draft_id flowid not null,
  dry_run bool not null default false
);
alter table publications enable row level security;
create policy "Users select their own publications"
  on publications for select to authenticated
  using (user_id = auth.uid());
create policy "Users publish only their own drafts"
  on publications for insert to authenticated
  with check (user_id = auth.uid() and internal.owns_draft(draft_id));
grant select on publications to authenticated;
grant insert (draft_id, dry_run, detail) on publications to authenticated;
create unique index idx_publications_id_where_queued on publications (id)
  where job_status ->> 'type' = 'queued';

comment on table publications is 'Publications: requests to publish a draft into the live catalog, and their outcome.';
comment on column publications.user_id is 'User who requested the publication.';
comment on column publications.draft_id is 'Draft which is published (it is deleted once fully published).';
comment on column publications.dry_run is 'A dry run validates and tests the draft but does not change the live catalog.';

create table live_specs (
  like internal._model including all,
  catalog_name catalog_name not null,
  connector_image_name text,
  connector_image_tag text,
  last_build_id flowid not null,
  last_pub_id flowid not null,
  reads_from text[],
  writes_to text[],
  spec json,
  spec_type catalog_spec_type
);
alter table live_specs enable row level security;
-- Unique, and usable for prefix scans (catalog_name like 'acmeCo/%').
create unique index idx_live_specs_catalog_name on live_specs (catalog_name text_pattern_ops);
create index idx_live_specs_spec_type on live_specs (spec_type);
create policy "Users select live specs they may read"
  on live_specs for select to authenticated
  using (auth_catalog(catalog_name, 'read'));
grant select on live_specs to authenticated;

comment on table live_specs is 'The current state of every catalog name ever published (spec null once deleted).';
comment on column live_specs.catalog_name is 'Catalog name of this spec.';
comment on column live_specs.connector_image_name is 'Connector image of a capture or materialization, without its tag.';
comment on column live_specs.connector_image_tag is 'Tag of the connector image, with its separator (:v1 or @sha256:...).';
comment on column live_specs.last_build_id is
  'Last publication that rebuilt this spec: the last that changed it, or one that changed a connected spec.';
comment on column live_specs.last_pub_id is 'Last publication that changed this spec.';
comment on column live_specs.reads_from is 'Collections this spec reads.';
comment on column live_specs.writes_to is 'Collections this spec writes.';
comment on column live_specs.spec is 'The published spec, or null if the name was deleted.';
comment on column live_specs.spec_type is 'Type of the published spec, or null if the name was deleted.';

create table live_spec_flows (
  source_id flowid not null references live_specs (id) on delete cascade,
  target_id flowid not null references live_specs (id) on delete cascade,
  flow_type catalog_spec_type not null
);
alter table live_spec_flows enable row level security;
create unique index idx_live_spec_flows_forward on live_spec_flows (source_id, target_id);
create unique index idx_live_spec_flows_reverse on live_spec_flows (target_id, source_id);
-- The subqueries on live_specs are evaluated under the caller's live_specs policy.
create policy "Users select flows whose both ends they may read"
  on live_spec_flows for select to authenticated
  using (source_id in (select id from live_specs) and target_id in (select id from live_specs));
grant select on live_spec_flows to authenticated;

comment on table live_spec_flows is 'Data flows between live specs: source is read or written into target.';
comment on column live_spec_flows.source_id is 'Live spec from which data flows (a collection a task reads, or a task writing a collection).';
comment on column live_spec_flows.target_id is 'Live spec into which data flows.';
comment on column live_spec_flows.flow_type is 'Type of the spec that reads or writes (the task side of the edge).';

create table publication_specs (
  live_spec_id flowid not null references live_specs (id) on delete cascade,
  pub_id flowid not null,
  detail text,
  published_at timestamptz not null default now(),
  spec json,
  spec_type catalog_spec_type,
  user_id uuid not null default auth.uid() references auth.users (id),
  primary key (live_spec_id, pub_id)
);
alter table publication_specs enable row level security;
create policy "Users select the history of live specs they may read"
  on publication_specs for select to authenticated
  using (live_spec_id in (select id from live_specs));
grant select on publication_specs to authenticated;

comment on table publication_specs is 'History of every published change of every live spec.';
comment on column publication_specs.live_spec_id is 'Live spec which was changed.';
comment on column publication_specs.pub_id is 'Publication which made the change.';
comment on column publication_specs.detail is 'Description of the publication.';
comment on column publication_specs.published_at is 'Time at which the change was published.';
comment on column publication_specs.spec is 'The published spec, or null for a deletion.';
comment on column publication_specs.spec_type is 'Type of the published spec, or null for a deletion.';
comment on column publication_specs.user_id is 'User who published the change.';
