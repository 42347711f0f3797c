-- Flow control plane, part 3: logs of asynchronous operations.

create table internal.log_lines (
  log_line text not null,
  logged_at timestamptz not null default now(),
  stream text not null,
  token uuid not null
);
comment on table internal.log_lines is
  'Logs of asynchronous operations (the agent''s jobs), grouped by the logs_token of the job.';
comment on column internal.log_lines.log_line is 'One line of output.';
comment on column internal.log_lines.logged_at is 'Time at which the line was logged.';
comment on column internal.log_lines.stream is 'Name of the stream the line came from (e.g. "build:1" for stdout of a build).';
comment on column internal.log_lines.token is 'The logs_token of the job that produced the line.';

-- Lines arrive in time order per token, which is exactly what a BRIN index summarizes cheaply.
create index idx_log_lines_token_logged_at on internal.log_lines using brin (token, logged_at)
  with (autosummarize = on);

-- Knowing a job's logs_token is the capability to read its logs; nothing else grants access.
create function view_logs(bearer_token uuid)
returns table (log_line text, logged_at timestamptz, stream text, token uuid)
language sql stable security definer
set search_path = public, pg_temp
as $$
  select l.log_line, l.logged_at, l.stream, l.token
  from internal.log_lines l
  where l.token = bearer_token
  -- Lines written in one transaction share logged_at (now()); the physical order of this append-only table
  -- keeps them in the order they were inserted.
  order by l.logged_at, l.ctid
$$;
comment on function view_logs(uuid) is 'Returns the log lines of the job whose logs_token is bearer_token.';
revoke execute on function view_logs(uuid) from public;
grant execute on function view_logs(uuid) to authenticated, service_role;
