-- Flow control plane, part 1: schemas, privileges defaults, basic types, ids and JSON helpers.
--
-- Runs as `postgres` (the migration owner, not a superuser) on the embedded stack and on Supabase alike.
-- Everything Supabase provides (roles, schema `extensions` with pgcrypto, schema `auth`) exists already.

-- Schema `internal` holds what the API must not expose: no API role gets usage on it. Functions in it are
-- still reachable where the schema grants none (column defaults and triggers call them by oid).
create schema internal;
comment on schema internal is
  'Control-plane internals that the REST API must not expose: no API role has usage on this schema.';

-- Supabase grants everything that postgres creates in `public` to anon and authenticated. The control plane
-- grants explicitly instead, so revoke those defaults before creating any object. (Postgres also lets PUBLIC
-- execute every new function, a global default that a per-schema setting cannot remove: each function in
-- `public` revokes it where it is created.)
alter default privileges for role postgres in schema public revoke all on tables from anon, authenticated;
alter default privileges for role postgres in schema public revoke all on sequences from anon, authenticated;
alter default privileges for role postgres in schema public revoke all on functions from anon, authenticated;

-- JSON objects.
create domain json_obj as json check (json_typeof(value) = 'object');
comment on domain json_obj is 'JSON restricted to the "object" type.';

create domain jsonb_obj as jsonb check (jsonb_typeof(value) = 'object');
comment on domain jsonb_obj is 'JSONB restricted to the "object" type.';

-- Catalog names. Components are Unicode letters and digits plus `-`, `_` and `.`; names are compared as
-- text, so they must be NFKC-normalized to leave one spelling per name.
create domain catalog_name as text
  constraint "Must be a valid catalog name"
  check (value ~ '^([[:alpha:][:digit:]\-_.]+/)*[[:alpha:][:digit:]\-_.]+$' and value is nfkc normalized);
comment on domain catalog_name is
  'One or more /-separated components of Unicode letters, digits, "-", "_" and ".", not ending in "/", '
  'NFKC-normalized (for example acmeCo/anvils).';

create domain catalog_prefix as text
  constraint "Must be a valid catalog prefix"
  check (value ~ '^([[:alpha:][:digit:]\-_.]+/)+$' and value is nfkc normalized);
comment on domain catalog_prefix is
  'Catalog name components each followed by "/", NFKC-normalized (for example acmeCo/anvils/).';

create domain catalog_tenant as text
  constraint "Must be a valid catalog tenant"
  check (value ~ '^[[:alpha:][:digit:]\-_.]+/$' and value is nfkc normalized);
comment on domain catalog_tenant is 'Exactly one catalog name component followed by "/" (for example acmeCo/).';

create type catalog_spec_type as enum ('capture', 'collection', 'materialization', 'test');
comment on type catalog_spec_type is 'The kind of a catalog specification.';

-- Ordered: comparisons such as capability >= 'read' are how authorization works. The x_ values are
-- placeholders that keep room for capabilities between the named ones without reordering the enum.
create type grant_capability as enum (
  'x_00', 'x_01', 'x_02', 'x_03', 'x_04', 'x_05', 'x_06', 'x_07', 'x_08', 'x_09',
  'read',
  'x_11', 'x_12', 'x_13', 'x_14', 'x_15', 'x_16', 'x_17', 'x_18', 'x_19',
  'write',
  'x_21', 'x_22', 'x_23', 'x_24', 'x_25', 'x_26', 'x_27', 'x_28', 'x_29',
  'admin'
);
comment on type grant_capability is
  'Ordered capabilities: admin implies write implies read. The x_ values are placeholders.';

create type task_type as enum ('capture', 'derivation', 'materialization');
comment on type task_type is 'The kind of a running task (the shard-producing catalog specs).';

-- Flow ids: 64-bit, time-ordered. macaddr8 stores exactly 8 bytes, compares them big-endian (so later ids
-- compare greater) and renders as lower-case hex bytes, which JSON carries as a string without losing
-- precision in JavaScript.
create domain flowid as macaddr8;
comment on domain flowid is
  '64-bit time-ordered id, rendered as lower-case hex bytes separated by ":" (safe in JavaScript).';

create sequence internal.shard_0_id_sequence;
comment on sequence internal.shard_0_id_sequence is 'Sequence component of ids made by internal.id_generator().';

-- Layout (most significant first): 41 bits of milliseconds since 1600000000 s, 13 bits of sequence, 10 bits
-- of shard id. Security definer so that callers need no privilege on the sequence.
create function internal.id_generator()
returns flowid
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  -- 2020-09-13T12:26:40Z in milliseconds.
  epoch_millis constant bigint := 1600000000000;
  shard_id constant bigint := 0;
  seq_id bigint := nextval('internal.shard_0_id_sequence') % 8192;
  now_millis bigint := floor(extract(epoch from clock_timestamp()) * 1000);
begin
  return lpad(to_hex(((now_millis - epoch_millis) << 23) | (seq_id << 10) | shard_id), 16, '0')::public.flowid;
end
$$;
comment on function internal.id_generator() is
  'Returns a new flowid: 41 bits of milliseconds since 1600000000 s, 13 bits of sequence, 10 bits of shard id.';

-- Model tables: templates copied with `like ... including all` (defaults, constraints, indexes, comments).
create table internal._model (
  created_at timestamptz not null default now(),
  detail text,
  id flowid primary key not null default internal.id_generator(),
  updated_at timestamptz not null default now()
);
comment on table internal._model is 'Template of the columns every control-plane row carries.';
comment on column internal._model.created_at is 'Time at which the record was created.';
comment on column internal._model.detail is 'Description of the record.';
comment on column internal._model.id is 'ID of the record.';
comment on column internal._model.updated_at is 'Time at which the record was last updated.';

create table internal._model_async (
  like internal._model including all,
  job_status jsonb_obj not null default '{"type":"queued"}',
  logs_token uuid not null default gen_random_uuid()
);
comment on table internal._model_async is 'Template of an asynchronous operation row, processed by the agent.';
comment on column internal._model_async.job_status is
  'Server-side job execution status of the record: {"type":"queued"} until the agent has processed it.';
comment on column internal._model_async.logs_token is
  'Bearer token for the logs of this job: view_logs(logs_token) returns them.';

-- RFC 7396 merge patch. SQL NULL as the patch means "no patch"; a JSON null removes the location, so the
-- result for a top-level JSON null patch is SQL NULL. An object patch applied to a non-object target
-- replaces the target by an empty object first, which also drops null members nested in the patch.
create function internal.jsonb_merge_patch(target jsonb, patch jsonb)
returns jsonb
language plpgsql immutable
as $$
begin
  if patch is null then
    return target;
  elsif jsonb_typeof(patch) = 'null' then
    return null;
  elsif jsonb_typeof(patch) <> 'object' then
    return patch;
  end if;

  if target is null or jsonb_typeof(target) <> 'object' then
    target := '{}';
  end if;

  return (
    select coalesce(jsonb_object_agg(key, value), '{}')
    from (
      select coalesce(t.key, p.key) as key,
             case when p.key is null then t.value else internal.jsonb_merge_patch(t.value, p.value) end as value
      from jsonb_each(target) t
      full outer join jsonb_each(patch) p on t.key = p.key
    ) merged
    where value is not null
  );
end
$$;
comment on function internal.jsonb_merge_patch(jsonb, jsonb) is
  'Applies the RFC 7396 merge patch `patch` to `target` (JSON null removes a key; non-objects replace).';

-- The merge patch that turns `source` into `target`: SQL NULL when there is no difference, JSON null to
-- remove a location. A merge patch cannot set a value to JSON null, so null members of `target` are dropped
-- instead (nested inside replaced values too, as merge_patch would drop them).
create function internal.jsonb_merge_diff(target jsonb, source jsonb)
returns jsonb
language plpgsql immutable
as $$
begin
  if target is null then
    return case when source is null then null else 'null'::jsonb end;
  elsif jsonb_typeof(target) <> 'object' or source is null or jsonb_typeof(source) <> 'object' then
    if target = source then
      return null;
    elsif jsonb_typeof(target) = 'null' then
      -- Cannot patch a location into JSON null: remove it instead.
      return 'null'::jsonb;
    end if;
    return internal.jsonb_merge_patch(null, target);
  end if;

  return (
    select jsonb_object_agg(key, value)
    from (
      select coalesce(t.key, s.key) as key, internal.jsonb_merge_diff(t.value, s.value) as value
      from jsonb_each(target) t
      full outer join jsonb_each(source) s on t.key = s.key
    ) differences
    where value is not null
  );
end
$$;
comment on function internal.jsonb_merge_diff(jsonb, jsonb) is
  'Returns the RFC 7396 merge patch that turns `source` into `target`; SQL NULL means no difference.';
