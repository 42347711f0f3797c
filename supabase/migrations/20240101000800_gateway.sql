-- Flow control plane, part 9: tokens for the data-plane gateway.

create table internal.gateway_auth_keys (
  like internal._model including all,
  secret_key text not null
);
comment on table internal.gateway_auth_keys is 'Keys signing gateway tokens; the newest is used.';
comment on column internal.gateway_auth_keys.secret_key is 'HS256 secret shared with the data-plane gateway.';

create table internal.gateway_endpoints (
  like internal._model including all,
  name text not null,
  url text not null
);
comment on table internal.gateway_endpoints is 'Data-plane gateway endpoints; the newest is returned with tokens.';
comment on column internal.gateway_endpoints.name is 'Name of the endpoint.';
comment on column internal.gateway_endpoints.url is 'Base URL of the gateway.';

-- Development values: the app replaces both with its own when it starts a gateway.
insert into internal.gateway_auth_keys (secret_key, detail)
values ('supersecret', 'Development key; replaced by the app when it starts its gateway.');
insert into internal.gateway_endpoints (name, url, detail)
values ('local', 'http://localhost:28318/', 'Development endpoint; replaced by the app when it starts its gateway.');

-- Base64url without padding (RFC 7515). encode() wraps base64 lines at 76 characters: drop the newlines.
create function internal.base64url_encode(data bytea)
returns text
language sql immutable
as $$ select translate(rtrim(encode(data, 'base64'), '='), E'+/\n', '-_') $$;
comment on function internal.base64url_encode(bytea) is 'Base64url encoding without padding, as JWTs use.';

-- An HS256 JWT over the claims. pgcrypto is qualified because the callers fix their search_path.
create function internal.sign_jwt(claims json, secret text)
returns text
language sql immutable
as $$
  select signing_input || '.' || internal.base64url_encode(
    extensions.hmac(convert_to(signing_input, 'utf8'), convert_to(secret, 'utf8'), 'sha256'))
  from (
    select internal.base64url_encode(convert_to('{"alg":"HS256","typ":"JWT"}', 'utf8')) || '.' ||
           internal.base64url_encode(convert_to(claims::text, 'utf8')) as signing_input
  ) s
$$;
comment on function internal.sign_jwt(json, text) is 'Returns an HS256-signed JWT with the given claims.';

-- Security definer: reads the signing key, which callers must never see.
create function gateway_auth_token(variadic prefixes text[])
returns table (token text, gateway_url text)
language plpgsql stable security definer
set search_path = public, pg_temp
as $$
declare
  authorized text[];
  issued_at bigint := extract(epoch from now())::bigint;
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
revoke execute on function gateway_auth_token(text[]) from public;
grant execute on function gateway_auth_token(text[]) to authenticated, service_role;
