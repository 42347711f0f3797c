-- Flow control plane: gateway tokens issued "now", never in the future.
--
-- gateway_auth_token() took `extract(epoch from now())::bigint` as `iat`; the cast rounds, so for half of every
-- second the token claimed to be issued up to 0.5 s in the future, and the data-plane gateway (golang-jwt:
-- `iat` must not be after its clock) refused it with "Authentication failed: Token used before issued". Whole
-- seconds are now taken by floor().
create or replace function gateway_auth_token(variadic prefixes text[])
returns table (token text, gateway_url text)
language plpgsql stable security definer
set search_path = public, pg_temp
as $$
declare
  authorized text[];
  issued_at bigint := floor(extract(epoch from now()))::bigint;
begin
  -- Keep the requested prefixes that a role of the caller (with at least read) covers.
  select coalesce(array_agg(distinct p order by p), '{}') into authorized
  from unnest(prefixes) p
  where auth_catalog(p, 'read');

  return query
  select
    internal.sign_jwt(json_build_object(
      'exp', issued_at + 3600,
      'iat', issued_at,
      'operation', 'read',
      'prefixes', authorized,
      'sub', auth_uid()
    ), k.secret_key),
    e.url
  from (select secret_key from internal.gateway_auth_keys order by id desc limit 1) k
  cross join (select url from internal.gateway_endpoints order by id desc limit 1) e;
end
$$;
comment on function gateway_auth_token(text[]) is
  'Returns a 1-hour HS256 JWT for the gateway, limited to the requested prefixes the caller may read, and the gateway URL.';
