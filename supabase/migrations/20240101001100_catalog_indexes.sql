-- Flow control plane, part 12: what keeps the catalog fast with tens of thousands of live specs.
--
-- The catalog GUI pages through live_specs_ext with exact counts (`count=exact`, `limit`/`offset`), sorted
-- by name, last update or last publication, and filtered by type and name prefix. Measured with 10,000 live
-- specs of one tenant (renderer/test/catalog-store.test.ts seeds that many), one page took 4-8 s and often
-- hit the API's statement timeout; with what follows it takes 0.1-0.5 s. Only policies and indexes change
-- here: every caller sees exactly the rows it saw before.

-- Row-level security: the policy of part 6 called auth_catalog(catalog_name, 'read') for every row, and each
-- call runs the caller's recursive role lookup again (auth_catalog cannot be inlined: its body has a
-- subquery, and auth_roles is security definer), about 0.3 ms per row: 3 s to count 10,000 rows, paid again
-- by every query on publication_specs and live_spec_flows, whose policies select from live_specs. This
-- policy allows exactly the same rows (a read role of the caller prefixes the name, as auth_catalog checks
-- with starts_with, which is what ^@ means) but looks the roles up once per statement: an uncorrelated
-- array subquery is an InitPlan.
drop policy "Users select live specs they may read" on live_specs;
create policy "Users select live specs they may read"
  on live_specs for select to authenticated
  using (catalog_name::text ^@ any (array(select r.role_prefix::text from auth_roles('read') r)));

-- The history's policy allowed rows whose live spec the caller may read with `live_spec_id in (select id from
-- live_specs)`. As the view live_specs_ext joins it, the planner (which cannot estimate the live_specs
-- policy's selectivity) often chose a nested loop that compares every live spec with every history row: the
-- last page of 10,000 specs, or a sort by last update, ran into the statement timeout. The same condition
-- written as a correlated EXISTS is checked per history row through the live_specs primary key, and leaves
-- the history's primary key free for the view's join: every plan stays linear.
drop policy "Users select the history of live specs they may read" on publication_specs;
create policy "Users select the history of live specs they may read"
  on publication_specs for select to authenticated
  using (exists (select 1 from live_specs l where l.id = live_spec_id));

-- Sorting: with an index in the sort order a page is read in order and stops after offset + limit rows,
-- instead of joining and sorting every row of the view first. The unique index of part 6 uses
-- text_pattern_ops (for `like 'prefix%'`), which ORDER BY catalog_name cannot use.
create index idx_live_specs_catalog_name_order on live_specs (catalog_name);
-- "Last updated" and "last publication" sorts (flow ids are time-ordered, so last_pub_id orders by time).
create index idx_live_specs_updated_at on live_specs (updated_at);
create index idx_live_specs_last_pub_id on live_specs (last_pub_id);
