-- Seed data for local development. Runs once, as postgres, after the migrations.

-- Users, all with the password "password". The shape follows what Supabase Auth writes itself, so that it
-- can sign them in as is: bcrypt hashes, confirmed emails, an "email" identity each, and '' (not NULL) in
-- the token columns, which Supabase Auth reads as non-null strings.
insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  confirmation_token, recovery_token, email_change_token_new, email_change, email_change_token_current,
  phone_change, phone_change_token, reauthentication_token,
  raw_app_meta_data, raw_user_meta_data, is_super_admin, created_at, updated_at
)
select
  '00000000-0000-0000-0000-000000000000', u.id, 'authenticated', 'authenticated', u.email,
  extensions.crypt('password', extensions.gen_salt('bf')), now(),
  '', '', '', '', '', '', '', '',
  '{"provider":"email","providers":["email"]}', jsonb_build_object('full_name', u.full_name), false, now(), now()
from (values
  ('ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid, 'accounts@estuary.dev', 'Estuary Accounts'),
  ('11111111-1111-1111-1111-111111111111'::uuid, 'alice@example.com', 'Alice'),
  ('22222222-2222-2222-2222-222222222222'::uuid, 'bob@example.com', 'Bob'),
  ('33333333-3333-3333-3333-333333333333'::uuid, 'carol@example.com', 'Carol')
) as u (id, email, full_name);

insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
select
  u.id::text, u.id,
  jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true, 'phone_verified', false),
  'email', now(), now(), now()
from auth.users u
where u.id in (
  'ffffffff-ffff-ffff-ffff-ffffffffffff', '11111111-1111-1111-1111-111111111111',
  '22222222-2222-2222-2222-222222222222', '33333333-3333-3333-3333-333333333333'
);

-- Directives under ops/, with well-known tokens so that local tools can exchange them.
insert into directives (catalog_prefix, spec, token, detail) values
  ('ops/', '{"type":"clickToAccept"}', 'd4a37dd7-1bf5-40e3-b715-60c4edd0f6dc', 'Accept the terms of service.'),
  ('ops/', '{"type":"betaOnboard"}', '453e00cd-e12a-4ce5-b12d-3837aa385751', 'Provision a new tenant.');

-- The accounts user onboards the ops/ tenant: the agent processes this queued application at start.
insert into applied_directives (directive_id, user_id, user_claims)
select d.id, 'ffffffff-ffff-ffff-ffff-ffffffffffff', '{"requestedTenant":"ops"}'
from directives d
where d.catalog_prefix = 'ops/' and d.spec ->> 'type' = 'betaOnboard';

-- Connectors, each with a :v1 tag that the agent specifies when it starts. The patch provides the display
-- metadata until the agent has fetched the real open graph from external_url.
with new_connectors as (
  insert into connectors (image_name, external_url, open_graph_patch) values
    ('ghcr.io/estuary/source-hello-world', 'https://estuary.dev',
      '{"en-US":{"title":"Hello World","description":"A flood of greetings","image":"https://estuary.dev/favicon.ico"}}'),
    ('ghcr.io/estuary/source-postgres', 'https://postgresql.org',
      '{"en-US":{"title":"PostgreSQL","description":"Capture changes from PostgreSQL","image":"https://www.postgresql.org/media/img/about/press/elephant.png","recommended":"True"}}'),
    ('ghcr.io/estuary/materialize-postgres', 'https://postgresql.org',
      '{"en-US":{"title":"PostgreSQL","description":"Materialize collections into PostgreSQL","image":"https://www.postgresql.org/media/img/about/press/elephant.png","recommended":"True"}}')
  returning id
)
insert into connector_tags (connector_id, image_tag)
select id, ':v1' from new_connectors;

-- Grants for local work: alice administers aliceCo/, bob administers bobCo/, carol may read aliceCo/.
insert into user_grants (user_id, object_role, capability, detail) values
  ('11111111-1111-1111-1111-111111111111', 'aliceCo/', 'admin', 'Seed: alice administers aliceCo/.'),
  ('22222222-2222-2222-2222-222222222222', 'bobCo/', 'admin', 'Seed: bob administers bobCo/.'),
  ('33333333-3333-3333-3333-333333333333', 'aliceCo/', 'read', 'Seed: carol may read aliceCo/.');

-- What the agent's onboarding would create for each tenant: specs of a tenant may write within it and read
-- its ops collections and estuary/public/. Bob also shares bobCo/shared/ with aliceCo/ specs (read), which
-- alice (as admin of aliceCo/) then carries through internal.user_roles.
insert into role_grants (subject_role, object_role, capability, detail) values
  ('aliceCo/', 'aliceCo/', 'write', 'Seed: aliceCo/ specs write within aliceCo/.'),
  ('aliceCo/', 'ops/aliceCo/', 'read', 'Seed: aliceCo/ specs read their ops collections.'),
  ('aliceCo/', 'estuary/public/', 'read', 'Seed: aliceCo/ specs read public collections.'),
  ('bobCo/', 'bobCo/', 'write', 'Seed: bobCo/ specs write within bobCo/.'),
  ('bobCo/', 'ops/bobCo/', 'read', 'Seed: bobCo/ specs read their ops collections.'),
  ('bobCo/', 'estuary/public/', 'read', 'Seed: bobCo/ specs read public collections.'),
  ('aliceCo/', 'bobCo/shared/', 'read', 'Seed: bob shares bobCo/shared/ with aliceCo/.');

insert into tenants (tenant, detail) values
  ('aliceCo/', 'Seed: alice''s tenant.'),
  ('bobCo/', 'Seed: bob''s tenant.');

insert into storage_mappings (catalog_prefix, spec, detail) values
  ('aliceCo/', '{"stores":[{"provider":"GCS","bucket":"flow-desktop-local","prefix":"aliceCo/"}]}', 'Seed.'),
  ('recovery/aliceCo/', '{"stores":[{"provider":"GCS","bucket":"flow-desktop-local","prefix":"recovery/aliceCo/"}]}', 'Seed.'),
  ('bobCo/', '{"stores":[{"provider":"GCS","bucket":"flow-desktop-local","prefix":"bobCo/"}]}', 'Seed.'),
  ('recovery/bobCo/', '{"stores":[{"provider":"GCS","bucket":"flow-desktop-local","prefix":"recovery/bobCo/"}]}', 'Seed.');
