-- Flow control plane, part 8: storage mappings, tenants and task statistics.

create table storage_mappings (
  like internal._model including all,
  catalog_prefix catalog_prefix not null,
  spec json not null
);
alter table storage_mappings enable row level security;
create unique index idx_storage_mappings_catalog_prefix on storage_mappings (catalog_prefix text_pattern_ops);
create policy "Users select storage mappings of prefixes they may read"
  on storage_mappings for select to authenticated
  using (auth_catalog(catalog_prefix, 'read'));
grant select on storage_mappings to authenticated;

comment on table storage_mappings is
  'Where the data of collections and tasks under a prefix is stored; every published name must be covered by one.';
comment on column storage_mappings.catalog_prefix is 'Catalog prefix which this mapping covers.';
comment on column storage_mappings.spec is 'Storage of the prefix, e.g. {"stores":[{"provider":"GCS","bucket":"..."}]}.';

create table tenants (
  like internal._model including all,
  tenant catalog_tenant unique not null
);
alter table tenants enable row level security;
create policy "Admins of a tenant select it"
  on tenants for select to authenticated
  using (auth_catalog(tenant, 'admin'));
grant select on tenants to authenticated;

comment on table tenants is 'Tenants: the top-level prefixes of the catalog, each owned by an organization.';
comment on column tenants.tenant is 'Name of the tenant (one component followed by "/").';

-- The stats loader writes task statistics into per-tenant partitions, which it owns (the agent creates a
-- tenant's partition when it provisions the tenant, then hands it over). Roles are cluster-wide: create it only
-- once however many databases run this migration. It can log in only once an operator gives it a password
-- (none is set here).
do $$
begin
  if not exists (select from pg_roles where rolname = 'stats_loader') then
    create role stats_loader with login;
  end if;
end
$$;
-- postgres (and so the agent) must be able to make stats_loader the owner of the partitions it creates.
grant stats_loader to postgres;

create table task_stats (
  flow_document json not null,
  hourstamp timestamptz not null,
  shard_split macaddr8 not null,
  task_name catalog_name not null,
  task_type task_type not null
) partition by list ((split_part(task_name, '/', 1) || '/'));
alter table task_stats enable row level security;
create policy "Admins of a task select its stats"
  on task_stats for select to authenticated
  using (auth_catalog(task_name, 'admin'));
grant select on task_stats to authenticated;
grant select, insert, delete on task_stats to stats_loader;

comment on table task_stats is 'Hourly statistics of tasks, partitioned by tenant ("acmeCo/").';
comment on column task_stats.flow_document is 'Statistics document as produced by the task''s shard.';
comment on column task_stats.hourstamp is 'Hour which the statistics cover.';
comment on column task_stats.shard_split is 'Key and r-clock split of the shard that produced the statistics.';
comment on column task_stats.task_name is 'Catalog name of the task.';
comment on column task_stats.task_type is 'Type of the task.';

create schema task_stat_partitions;
comment on schema task_stat_partitions is 'Partitions of task_stats, one per tenant ("<tenant>_stats"), owned by stats_loader.';
grant usage, create on schema task_stat_partitions to stats_loader;

-- Attaching a partition requires owning the partitioned table, which stays with postgres (stats_loader would
-- also need create on schema public to own it). So partitions are created by postgres, directly or through
-- this function, which stats_loader may call too, and then given to stats_loader.
create function task_stat_partitions.create_partition(tenant catalog_tenant)
returns regclass
language plpgsql volatile security definer
set search_path = public, pg_temp
as $$
declare
  partition_name text := rtrim(tenant, '/') || '_stats';
begin
  if to_regclass(format('task_stat_partitions.%I', partition_name)) is null then
    execute format(
      'create table task_stat_partitions.%I partition of public.task_stats for values in (%L)',
      partition_name, tenant::text);
    execute format('alter table task_stat_partitions.%I owner to stats_loader', partition_name);
  end if;
  return format('task_stat_partitions.%I', partition_name)::regclass;
end
$$;
comment on function task_stat_partitions.create_partition(catalog_tenant) is
  'Creates (if missing) the task_stats partition of a tenant, task_stat_partitions."<tenant>_stats", owned by stats_loader.';
revoke execute on function task_stat_partitions.create_partition(catalog_tenant) from public;
grant execute on function task_stat_partitions.create_partition(catalog_tenant) to stats_loader;
