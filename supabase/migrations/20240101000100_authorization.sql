-- Flow control plane, part 2: grants, roles of users, and the helpers row-level security policies call.

create table user_grants (
  like internal._model including all,
  user_id uuid not null references auth.users (id) on delete cascade,
  object_role catalog_prefix not null,
  capability grant_capability not null,
  unique (user_id, object_role)
);
alter table user_grants enable row level security;
comment on table user_grants is 'Roles and capabilities that users hold: user_id holds capability on object_role.';
comment on column user_grants.user_id is 'User who holds the capability.';
comment on column user_grants.object_role is 'Catalog prefix to which the capability applies.';
comment on column user_grants.capability is 'Capability granted to the user on object_role.';

create table role_grants (
  like internal._model including all,
  subject_role catalog_prefix not null,
  object_role catalog_prefix not null,
  capability grant_capability not null
);
alter table role_grants enable row level security;
-- text_pattern_ops: lookups are by prefix (subject_role starting with a role of the user).
create unique index idx_role_grants_subject_object on role_grants (subject_role text_pattern_ops, object_role text_pattern_ops);
comment on table role_grants is 'Roles and capabilities that catalog specs hold: specs under subject_role hold capability on object_role.';
comment on column role_grants.subject_role is 'Catalog prefix whose specs hold the capability.';
comment on column role_grants.object_role is 'Catalog prefix to which the capability applies.';
comment on column role_grants.capability is 'Capability granted to subject_role on object_role.';

-- The user's own grants, plus, for every role the user administers, the role grants of specs under that
-- role, recursively (admin of acmeCo/ also carries whatever acmeCo/ specs were granted). Security definer:
-- it reads grants that the user may not see, and bypasses RLS so that policies calling it do not recurse.
create function internal.user_roles(target_user_id uuid, min_capability grant_capability default 'x_00')
returns table (role_prefix catalog_prefix, capability grant_capability)
language sql stable security definer
set search_path = public, pg_temp
as $$
  with recursive all_roles (role_prefix, capability) as (
    select g.object_role, g.capability
    from user_grants g
    where g.user_id = target_user_id
  union
    select r.object_role, r.capability
    from all_roles a
    join role_grants r on starts_with(r.subject_role, a.role_prefix)
    where a.capability = 'admin'
  )
  select role_prefix, max(capability)
  from all_roles
  where capability >= min_capability
  group by role_prefix
  order by role_prefix
$$;
comment on function internal.user_roles(uuid, grant_capability) is
  'Roles (prefix, capability) of a user: own grants plus, recursively, the role grants of roles it administers.';
revoke execute on function internal.user_roles(uuid, grant_capability) from public;

create function auth_uid()
returns uuid
language sql stable
as $$ select auth.uid() $$;
comment on function auth_uid() is 'The id of the user making the request (auth.uid()).';

-- Security definer so that callers need no usage on schema internal; it only ever reveals the caller's roles.
create function auth_roles(min_capability grant_capability default 'x_00')
returns table (role_prefix catalog_prefix, capability grant_capability)
language sql stable security definer
set search_path = public, pg_temp
as $$ select role_prefix, capability from internal.user_roles(auth.uid(), min_capability) $$;
comment on function auth_roles(grant_capability) is
  'Roles of the requesting user with at least min_capability: internal.user_roles(auth_uid()).';

create function auth_catalog(name_or_prefix text, min_cap grant_capability)
returns boolean
language sql stable
as $$ select exists (select 1 from auth_roles(min_cap) r where starts_with(name_or_prefix, r.role_prefix)) $$;
comment on function auth_catalog(text, grant_capability) is
  'True when a role of the requesting user prefixes name_or_prefix with a capability of at least min_cap.';

revoke execute on function auth_uid(), auth_roles(grant_capability), auth_catalog(text, grant_capability) from public;
grant execute on function auth_uid(), auth_roles(grant_capability), auth_catalog(text, grant_capability)
  to authenticated, service_role;

-- Profiles for display: other users' grants and publications name users by id only.
create function view_user_profile(bearer_user_id uuid)
returns table (user_id uuid, email text, full_name text, avatar_url text)
language sql stable security definer
set search_path = public, pg_temp
as $$
  select u.id,
         u.email::text,
         coalesce(u.raw_user_meta_data ->> 'full_name', u.raw_user_meta_data ->> 'name'),
         coalesce(u.raw_user_meta_data ->> 'picture', u.raw_user_meta_data ->> 'avatar_url')
  from auth.users u
  where u.id = bearer_user_id
$$;
comment on function view_user_profile(uuid) is
  'Public profile (email, name, avatar) of a user, for showing who granted or published something.';
revoke execute on function view_user_profile(uuid) from public;
grant execute on function view_user_profile(uuid) to authenticated, service_role;

-- user_grants: admins of the object role manage its grants; users see and may give up their own.
create policy "Users select their own grants and grants of roles they admin"
  on user_grants for select to authenticated
  using (user_id = auth.uid() or auth_catalog(object_role, 'admin'));
create policy "Admins of the object role insert user grants"
  on user_grants for insert to authenticated
  with check (auth_catalog(object_role, 'admin'));
create policy "Admins of the object role update user grants"
  on user_grants for update to authenticated
  using (auth_catalog(object_role, 'admin'))
  with check (auth_catalog(object_role, 'admin'));
create policy "Admins of the object role and the grantee delete user grants"
  on user_grants for delete to authenticated
  using (user_id = auth.uid() or auth_catalog(object_role, 'admin'));

grant select, delete on user_grants to authenticated;
grant insert (user_id, object_role, capability, detail) on user_grants to authenticated;
grant update (capability, detail) on user_grants to authenticated;

-- role_grants: admins of the object role manage them; those who know the subject role may see them.
create policy "Users select role grants of roles they administer or know"
  on role_grants for select to authenticated
  using (auth_catalog(object_role, 'admin') or auth_catalog(subject_role, 'x_00'));
create policy "Admins of the object role insert role grants"
  on role_grants for insert to authenticated
  with check (auth_catalog(object_role, 'admin'));
create policy "Admins of the object role update role grants"
  on role_grants for update to authenticated
  using (auth_catalog(object_role, 'admin'))
  with check (auth_catalog(object_role, 'admin'));
create policy "Admins of the object or subject role delete role grants"
  on role_grants for delete to authenticated
  using (auth_catalog(object_role, 'admin') or auth_catalog(subject_role, 'admin'));

grant select, delete on role_grants to authenticated;
grant insert (subject_role, object_role, capability, detail) on role_grants to authenticated;
grant update (capability, detail) on role_grants to authenticated;
