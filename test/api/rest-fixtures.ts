import pg from 'pg';

/** Scratch tables and functions for REST tests, created as role postgres (grants like Supabase's defaults). */
export const SCRATCH_SQL = `
create table authors (id int primary key, name text not null);
create table books (
  id int primary key, author_id int references authors (id), title text not null, tags text[] default '{}',
  data jsonb, price numeric, note text default 'none'
);
create table notes (id serial primary key, owner uuid default auth.uid(), body text);
alter table notes enable row level security;
create policy "own notes" on notes for all to authenticated using (owner = auth.uid()) with check (owner = auth.uid());
grant select, insert, update, delete on authors, books to anon, authenticated;
grant select, insert, update, delete on notes to authenticated;
grant usage on sequence notes_id_seq to authenticated;
create function add_them(a int, b int default 1) returns int language sql immutable as $$ select a + b $$;
create function books_by(author int) returns setof books language sql stable as $$ select * from books where author_id = author $$;
create function do_nothing() returns void language sql volatile as $$ select $$;
create function whoami() returns text language sql stable as $$ select auth.uid()::text $$;
create function fail_loudly() returns int language plpgsql as $$ begin raise exception 'boom' using detail = 'd', hint = 'h'; end $$;
grant execute on all functions in schema public to anon, authenticated;
insert into authors values (1, 'Ann'), (2, 'Ben'), (3, 'Cid');
insert into books (id, author_id, title, tags, data, price) values
  (1, 1, 'Alpha', '{a,b}', '{"k":{"n":1}}', 10), (2, 1, 'Beta', '{b}', '{"k":{"n":2}}', 20),
  (3, 2, 'Gamma', '{c}', null, 30), (4, null, 'Delta, the "fourth"', '{}', '{"k":{"n":4}}', null);
`;

/** Runs SQL on a database URL. */
export async function runSql(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
