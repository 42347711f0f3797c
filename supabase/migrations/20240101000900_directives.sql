-- Flow control plane, part 10: directives, operations a user may have applied on their behalf.

create table directives (
  like internal._model including all,
  catalog_prefix catalog_prefix not null,
  single_use bool not null default false,
  spec jsonb_obj not null,
  token uuid unique default gen_random_uuid(),
  constraint "spec must have a string property `type`" check (jsonb_typeof(spec -> 'type') is not distinct from 'string')
);
alter table directives enable row level security;
create index idx_directives_catalog_prefix on directives (catalog_prefix text_pattern_ops);
create policy "Admins of the prefix manage its directives"
  on directives for all to authenticated
  using (auth_catalog(catalog_prefix, 'admin'))
  with check (auth_catalog(catalog_prefix, 'admin'));
grant select, delete on directives to authenticated;
grant insert (catalog_prefix, single_use, spec, token, detail) on directives to authenticated;
grant update (catalog_prefix, single_use, spec, token, detail) on directives to authenticated;

comment on table directives is
  'Directives: scoped, privileged operations (onboarding, granting access ...) that a user holding the directive''s '
  'token may have applied on their behalf, by exchanging the token with exchange_directive_token().';
comment on column directives.catalog_prefix is 'Catalog prefix containing the directive; its admins manage the directive.';
comment on column directives.single_use is 'A single-use directive loses its token once exchanged.';
comment on column directives.spec is 'Specification of the directive; its string property "type" says what it does.';
comment on column directives.token is 'Bearer token that users exchange to apply the directive (null once a single-use directive was used).';

create table applied_directives (
  like internal._model_async including all,
  directive_id flowid not null references directives (id),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  user_claims json_obj
);
alter table applied_directives enable row level security;
create index idx_applied_directives_directive_id on applied_directives (directive_id);
create index idx_applied_directives_user_id on applied_directives (user_id);
create unique index idx_applied_directives_id_where_queued on applied_directives (id)
  where job_status ->> 'type' = 'queued';
-- Rows are created only by exchange_directive_token(): knowing a directive's id is not enough to apply it.
create policy "Users select their own applied directives"
  on applied_directives for select to authenticated
  using (user_id = auth.uid());
create policy "Users update their own applied directives"
  on applied_directives for update to authenticated
  using (user_id = auth.uid())
  with check (user_id = auth.uid());
create policy "Users delete their own applied directives"
  on applied_directives for delete to authenticated
  using (user_id = auth.uid());
grant select, delete on applied_directives to authenticated;
grant update (user_claims) on applied_directives to authenticated;

-- A security definer function rather than a subquery in the policy: one index probe per directive, without
-- evaluating the applied_directives policy inside every directives row check.
create function internal.has_applied_directive(directive flowid)
returns boolean
language sql stable security definer
set search_path = public, pg_temp
as $$ select exists (select 1 from applied_directives a where a.directive_id = directive and a.user_id = auth.uid()) $$;
comment on function internal.has_applied_directive(flowid) is 'True when the requesting user has applied the directive.';

create policy "Users select directives they have applied"
  on directives for select to authenticated
  using (internal.has_applied_directive(id));

comment on table applied_directives is
  'Applications of directives by users: created by exchanging a token, then parameterized by user_claims and processed by the agent.';
comment on column applied_directives.directive_id is 'Directive which is applied.';
comment on column applied_directives.user_id is 'User on whose behalf the directive is applied.';
comment on column applied_directives.user_claims is 'Claims of the user that parameterize the directive (null until the user supplies them).';

create function internal.on_applied_directives_update()
returns trigger
language plpgsql
as $$
begin
  if old.job_status ->> 'type' = 'success' then
    raise 'Cannot modify an applied directive which has completed' using errcode = 'check_violation';
  end if;
  -- New claims deserve a new evaluation, also after a failed one (json has no equality operator: compare text).
  if old.user_claims::text is distinct from new.user_claims::text then
    new.job_status := '{"type":"queued"}';
  end if;
  return new;
end
$$;
comment on function internal.on_applied_directives_update() is
  'Rejects changes to successfully applied directives and re-queues an application whose claims changed.';

create trigger "Verify update of applied directives"
  before update on applied_directives
  for each row execute function internal.on_applied_directives_update();

create function internal.on_applied_directives_delete()
returns trigger
language plpgsql
as $$
begin
  if old.job_status ->> 'type' = 'success' then
    raise 'Cannot delete an applied directive which has completed' using errcode = 'check_violation';
  end if;
  return old;
end
$$;
comment on function internal.on_applied_directives_delete() is 'Rejects deleting successfully applied directives.';

create trigger "Verify delete of applied directives"
  before delete on applied_directives
  for each row execute function internal.on_applied_directives_delete();

create type exchanged_directive as (
  directive directives,
  applied_directive applied_directives
);
comment on type exchanged_directive is 'Result of exchange_directive_token(): the directive and its new application.';

-- Security definer: the caller can neither read the directive (yet) nor insert applications directly.
create function exchange_directive_token(bearer_token uuid)
returns exchanged_directive
language plpgsql volatile security definer
set search_path = public, pg_temp
as $$
declare
  directive_row directives;
  applied_row applied_directives;
begin
  -- Lock the directive, so that two exchanges of a single-use token serialize and only one succeeds.
  select * into directive_row from directives d where d.token = bearer_token for update;
  if not found then
    raise 'Bearer token % is not valid', bearer_token using errcode = 'check_violation';
  end if;

  if directive_row.single_use then
    update directives d set token = null, updated_at = now() where d.id = directive_row.id
    returning * into directive_row;
  end if;

  insert into applied_directives (directive_id, user_id)
  values (directive_row.id, auth.uid())
  returning * into applied_row;

  return (directive_row, applied_row);
end
$$;
comment on function exchange_directive_token(uuid) is
  'Exchanges a directive''s bearer token for a new application of the directive by the caller; returns both.';
revoke execute on function exchange_directive_token(uuid) from public;
grant execute on function exchange_directive_token(uuid) to authenticated, service_role;
