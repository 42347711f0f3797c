-- Flow control plane: where this schema had drifted from the original control-plane migrations (estuary/flow
-- supabase/migrations, as of 2022-09), restore the original contract. docs/database.md lists every remaining
-- difference with its reason.

-- Catalog names have at least two components (`acmeCo/anvils`, never a bare `acmeCo`), as the original domain
-- requires: a name is always under a tenant prefix that grants can cover. A database that already holds
-- one-component names (made before this migration) keeps them readable: the constraint is then added without
-- validating old rows, and every new or changed name must still satisfy it.
alter domain catalog_name drop constraint "Must be a valid catalog name";
do $$
begin
  if exists (select 1 from live_specs where catalog_name !~ '/')
    or exists (select 1 from draft_specs where catalog_name !~ '/')
    or exists (select 1 from discovers where capture_name !~ '/')
    or exists (select 1 from task_stats where task_name !~ '/')
  then
    alter domain catalog_name add constraint "Must be a valid catalog name"
      check (value ~ '^([[:alpha:][:digit:]\-_.]+/)+[[:alpha:][:digit:]\-_.]+$' and value is nfkc normalized) not valid;
    raise notice 'catalog_name: one-component names exist; they are kept, new ones are refused';
  else
    alter domain catalog_name add constraint "Must be a valid catalog name"
      check (value ~ '^([[:alpha:][:digit:]\-_.]+/)+[[:alpha:][:digit:]\-_.]+$' and value is nfkc normalized);
  end if;
end
$$;
comment on domain catalog_name is
  'Two or more /-separated components of Unicode letters, digits, "-", "_" and ".", not ending in "/", '
  'NFKC-normalized (for example acmeCo/anvils, but not acmeCo).';

-- Signed-in users may read the connector columns the original granted, and no more: the OAuth2 spec and its
-- injected values are read by the services that run the OAuth flow (as service_role), not by API clients.
revoke select (oauth2_injected_values, oauth2_spec) on connectors from authenticated;

-- Clients written before 2022-09 (the Flow UI of that time) read live_specs_ext.connector_open_graph, which the
-- original dropped when connectors gained title/short_description/logo_url. Keeping it (the merged open graph
-- of the spec's connector) lets those clients work; newer ones simply do not select it. Appended last, as
-- `create or replace view` requires.
create or replace view live_specs_ext with (security_invoker = true) as
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
  u.full_name as last_pub_user_full_name,
  c.open_graph as connector_open_graph
from live_specs l
left join publication_specs p on p.live_spec_id = l.id and p.pub_id = l.last_pub_id
left join connectors c on c.image_name = l.connector_image_name
left join connector_tags t on t.connector_id = c.id and t.image_tag = l.connector_image_tag
left join lateral view_user_profile(p.user_id) u on true;
comment on column live_specs_ext.connector_open_graph is
  'Open-graph metadata of the connector (merged), for clients older than 2022-09; newer ones use connector_title and friends.';
