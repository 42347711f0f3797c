-- Flow control plane, part 7: extended views (_ext) joining display metadata onto base tables.
--
-- Every view is security_invoker: it is evaluated with the caller's privileges and row-level security, so
-- it returns exactly the base rows the caller could select (a view owned by postgres would otherwise read
-- as its owner and bypass RLS).

create view combined_grants_ext with (security_invoker = true) as
select
  g.capability,
  g.created_at,
  g.detail,
  g.id,
  g.object_role,
  g.updated_at,
  g.subject_role,
  null::text as user_avatar_url,
  null::text as user_email,
  null::text as user_full_name,
  null::uuid as user_id
from role_grants g
union all
select
  g.capability,
  g.created_at,
  g.detail,
  g.id,
  g.object_role,
  g.updated_at,
  null::catalog_prefix as subject_role,
  p.avatar_url as user_avatar_url,
  p.email as user_email,
  p.full_name as user_full_name,
  g.user_id
from user_grants g
left join lateral view_user_profile(g.user_id) p on true;
grant select on combined_grants_ext to authenticated;

comment on view combined_grants_ext is 'User grants and role grants the caller may see, in one list, with the user''s profile.';
comment on column combined_grants_ext.capability is 'Capability granted.';
comment on column combined_grants_ext.created_at is 'Time at which the grant was created.';
comment on column combined_grants_ext.detail is 'Description of the grant.';
comment on column combined_grants_ext.id is 'ID of the user grant or role grant.';
comment on column combined_grants_ext.object_role is 'Catalog prefix to which the capability applies.';
comment on column combined_grants_ext.updated_at is 'Time at which the grant was last updated.';
comment on column combined_grants_ext.subject_role is 'Subject role of a role grant (null for a user grant).';
comment on column combined_grants_ext.user_avatar_url is 'Avatar of the user of a user grant.';
comment on column combined_grants_ext.user_email is 'Email of the user of a user grant.';
comment on column combined_grants_ext.user_full_name is 'Full name of the user of a user grant.';
comment on column combined_grants_ext.user_id is 'User of a user grant (null for a role grant).';

create view live_specs_ext with (security_invoker = true) as
select
  l.*,
  c.external_url as connector_external_url,
  c.id as connector_id,
  c.title as connector_title,
  c.short_description as connector_short_description,
  c.logo_url as connector_logo_url,
  c.recommended as connector_recommended,
  t.id as connector_tag_id,
  t.documentation_url as connector_tag_documentation_url,
  p.detail as last_pub_detail,
  p.user_id as last_pub_user_id,
  u.avatar_url as last_pub_user_avatar_url,
  u.email as last_pub_user_email,
  u.full_name as last_pub_user_full_name
from live_specs l
left join publication_specs p on p.live_spec_id = l.id and p.pub_id = l.last_pub_id
left join connectors c on c.image_name = l.connector_image_name
left join connector_tags t on t.connector_id = c.id and t.image_tag = l.connector_image_tag
left join lateral view_user_profile(p.user_id) u on true;
grant select on live_specs_ext to authenticated;

comment on view live_specs_ext is 'Live specs the caller may read, with their connector and last publication.';
comment on column live_specs_ext.created_at is 'Time at which the record was created.';
comment on column live_specs_ext.detail is 'Description of the record.';
comment on column live_specs_ext.id is 'ID of the live spec.';
comment on column live_specs_ext.updated_at is 'Time at which the record was last updated.';
comment on column live_specs_ext.catalog_name is 'Catalog name of this spec.';
comment on column live_specs_ext.connector_image_name is 'Connector image of a capture or materialization, without its tag.';
comment on column live_specs_ext.connector_image_tag is 'Tag of the connector image, with its separator.';
comment on column live_specs_ext.last_build_id is 'Last publication that rebuilt this spec.';
comment on column live_specs_ext.last_pub_id is 'Last publication that changed this spec.';
comment on column live_specs_ext.reads_from is 'Collections this spec reads.';
comment on column live_specs_ext.writes_to is 'Collections this spec writes.';
comment on column live_specs_ext.spec is 'The published spec, or null if the name was deleted.';
comment on column live_specs_ext.spec_type is 'Type of the published spec, or null if the name was deleted.';
comment on column live_specs_ext.connector_external_url is 'External URL of the connector.';
comment on column live_specs_ext.connector_id is 'ID of the connector.';
comment on column live_specs_ext.connector_title is 'Title of the connector by language.';
comment on column live_specs_ext.connector_short_description is 'Short description of the connector by language.';
comment on column live_specs_ext.connector_logo_url is 'Logo URL of the connector by language.';
comment on column live_specs_ext.connector_recommended is 'Whether the connector is recommended.';
comment on column live_specs_ext.connector_tag_id is 'ID of the connector tag the spec uses.';
comment on column live_specs_ext.connector_tag_documentation_url is 'Documentation URL of the connector tag.';
comment on column live_specs_ext.last_pub_detail is 'Description of the last publication.';
comment on column live_specs_ext.last_pub_user_id is 'User who made the last publication.';
comment on column live_specs_ext.last_pub_user_avatar_url is 'Avatar of the user who made the last publication.';
comment on column live_specs_ext.last_pub_user_email is 'Email of the user who made the last publication.';
comment on column live_specs_ext.last_pub_user_full_name is 'Full name of the user who made the last publication.';

create view publication_specs_ext with (security_invoker = true) as
select
  p.*,
  l.catalog_name,
  l.last_pub_id,
  u.email as user_email,
  u.full_name as user_full_name,
  u.avatar_url as user_avatar_url
from publication_specs p
join live_specs l on l.id = p.live_spec_id
left join lateral view_user_profile(p.user_id) u on true;
grant select on publication_specs_ext to authenticated;

comment on view publication_specs_ext is 'History of the live specs the caller may read, with catalog name and publisher profile.';
comment on column publication_specs_ext.live_spec_id is 'Live spec which was changed.';
comment on column publication_specs_ext.pub_id is 'Publication which made the change.';
comment on column publication_specs_ext.detail is 'Description of the publication.';
comment on column publication_specs_ext.published_at is 'Time at which the change was published.';
comment on column publication_specs_ext.spec is 'The published spec, or null for a deletion.';
comment on column publication_specs_ext.spec_type is 'Type of the published spec, or null for a deletion.';
comment on column publication_specs_ext.user_id is 'User who published the change.';
comment on column publication_specs_ext.catalog_name is 'Catalog name of the live spec.';
comment on column publication_specs_ext.last_pub_id is 'Last publication of the live spec (equal to pub_id for its latest change).';
comment on column publication_specs_ext.user_email is 'Email of the publisher.';
comment on column publication_specs_ext.user_full_name is 'Full name of the publisher.';
comment on column publication_specs_ext.user_avatar_url is 'Avatar of the publisher.';

create view drafts_ext with (security_invoker = true) as
select
  d.*,
  s.num_specs
from drafts d
cross join lateral (select count(*) as num_specs from draft_specs ds where ds.draft_id = d.id) s;
grant select on drafts_ext to authenticated;

comment on view drafts_ext is 'The caller''s drafts with their number of specs.';
comment on column drafts_ext.created_at is 'Time at which the draft was created.';
comment on column drafts_ext.detail is 'Description of the draft.';
comment on column drafts_ext.id is 'ID of the draft.';
comment on column drafts_ext.updated_at is 'Time at which the draft was last updated.';
comment on column drafts_ext.user_id is 'User who owns the draft.';
comment on column drafts_ext.num_specs is 'Number of specs in the draft.';

create view draft_specs_ext with (security_invoker = true) as
select
  d.*,
  l.last_pub_detail,
  l.last_pub_id,
  l.last_pub_user_id,
  l.last_pub_user_avatar_url,
  l.last_pub_user_email,
  l.last_pub_user_full_name,
  l.spec as live_spec,
  l.spec_type as live_spec_type
from draft_specs d
left join live_specs_ext l on l.catalog_name = d.catalog_name;
grant select on draft_specs_ext to authenticated;

comment on view draft_specs_ext is 'The caller''s draft specs with the live spec they would change (when the caller may read it).';
comment on column draft_specs_ext.created_at is 'Time at which the draft spec was created.';
comment on column draft_specs_ext.detail is 'Description of the draft spec.';
comment on column draft_specs_ext.id is 'ID of the draft spec.';
comment on column draft_specs_ext.updated_at is 'Time at which the draft spec was last updated.';
comment on column draft_specs_ext.draft_id is 'Draft which this spec belongs to.';
comment on column draft_specs_ext.catalog_name is 'Catalog name of this spec.';
comment on column draft_specs_ext.expect_pub_id is 'Publication id the live spec must still have for this draft to publish.';
comment on column draft_specs_ext.spec is 'Spec to publish, or null to delete.';
comment on column draft_specs_ext.spec_type is 'Type of the spec, or null to delete.';
comment on column draft_specs_ext.last_pub_detail is 'Description of the live spec''s last publication.';
comment on column draft_specs_ext.last_pub_id is 'Last publication of the live spec.';
comment on column draft_specs_ext.last_pub_user_id is 'User who made the live spec''s last publication.';
comment on column draft_specs_ext.last_pub_user_avatar_url is 'Avatar of that user.';
comment on column draft_specs_ext.last_pub_user_email is 'Email of that user.';
comment on column draft_specs_ext.last_pub_user_full_name is 'Full name of that user.';
comment on column draft_specs_ext.live_spec is 'The live spec of the same name.';
comment on column draft_specs_ext.live_spec_type is 'Type of the live spec of the same name.';
