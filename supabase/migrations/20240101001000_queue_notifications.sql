-- Flow control plane, part 11: waking agents when work is queued, and streaming job status to the UI.

-- Sends pg_notify(<channel>, <row id>) when a row is inserted or updated with job_status type "queued". The
-- channel is the trigger's argument (the table name). Notifications are hints delivered at commit (never
-- for rolled-back work); agents still poll as a fallback. Updates that leave a row queued notify too: for
-- example an applied directive becomes ready to process when its claims are first set.
create function internal.notify_queued()
returns trigger
language plpgsql
as $$
begin
  if new.job_status ->> 'type' = 'queued' then
    perform pg_notify(tg_argv[0], new.id::text);
  end if;
  return null;
end
$$;
comment on function internal.notify_queued() is
  'Trigger: pg_notify on the channel named by the trigger argument, with the row id, when the row is queued.';

create trigger "Notify agents of queued connector tags"
  after insert or update on connector_tags
  for each row execute function internal.notify_queued('connector_tags');
create trigger "Notify agents of queued discovers"
  after insert or update on discovers
  for each row execute function internal.notify_queued('discovers');
create trigger "Notify agents of queued publications"
  after insert or update on publications
  for each row execute function internal.notify_queued('publications');
create trigger "Notify agents of queued applied directives"
  after insert or update on applied_directives
  for each row execute function internal.notify_queued('applied_directives');

-- The production project streams job status of asynchronous rows to the UI through Supabase Realtime.
alter publication supabase_realtime add table connector_tags, discovers, publications, applied_directives;
