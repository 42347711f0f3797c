-- Flow control plane, part 12: finding a user by e-mail, so that an admin can grant them a role.
--
-- user_grants name users by id, and auth.users is not readable through the API: without this function an
-- admin could only grant roles to users whose id they already know. It answers only callers who administer
-- some prefix (the only ones who could insert a user grant), and only for an exact e-mail address (no
-- patterns), so it cannot list users; it does tell such a caller whether an address has an account.

create function user_profile_by_email(email_address text)
returns table (user_id uuid, email text, full_name text, avatar_url text)
language sql stable security definer
set search_path = public, pg_temp
as $$
  select p.user_id, p.email, p.full_name, p.avatar_url
  from auth.users u
  cross join lateral view_user_profile(u.id) p
  where lower(u.email) = lower(btrim(email_address))
    and exists (select 1 from internal.user_roles(auth.uid(), 'admin'))
$$;
comment on function user_profile_by_email(text) is
  'Profile (id, email, name, avatar) of the user with this exact e-mail address (case-insensitive); '
  'empty unless the caller administers some prefix. Lets admins grant roles to users by e-mail.';
revoke execute on function user_profile_by_email(text) from public;
grant execute on function user_profile_by_email(text) to authenticated, service_role;
