/** Alice's control-plane rows (run as role postgres, which bypasses RLS): a draft with one spec, and the
 * live spec of the same name with its publication history. */
export const CONTROL_PLANE_SQL = `
insert into drafts (id, user_id, detail) values
  ('00:00:00:00:00:00:01:00', '11111111-1111-1111-1111-111111111111', 'alice draft'),
  ('00:00:00:00:00:00:01:01', '22222222-2222-2222-2222-222222222222', 'bob draft');
insert into draft_specs (draft_id, catalog_name, spec, spec_type) values
  ('00:00:00:00:00:00:01:00', 'aliceCo/a/b', '{"schema":{}}', 'collection'),
  ('00:00:00:00:00:00:01:00', 'aliceCo/a/c', '{"schema":{}}', 'collection'),
  ('00:00:00:00:00:00:01:01', 'bobCo/x', '{"schema":{}}', 'collection');
insert into live_specs (id, catalog_name, last_build_id, last_pub_id, spec, spec_type) values
  ('00:00:00:00:00:00:02:00', 'aliceCo/a/b', '00:00:00:00:00:00:03:01', '00:00:00:00:00:00:03:01', '{"schema":{}}', 'collection');
insert into publication_specs (live_spec_id, pub_id, detail, spec, spec_type, user_id) values
  ('00:00:00:00:00:00:02:00', '00:00:00:00:00:00:03:00', 'first', '{"schema":{}}', 'collection', '11111111-1111-1111-1111-111111111111'),
  ('00:00:00:00:00:00:02:00', '00:00:00:00:00:00:03:01', 'second', '{"schema":{}}', 'collection', '11111111-1111-1111-1111-111111111111');
`;

/**
 * Scratch relationships (created as role postgres, readable by anon): a many-to-many through a junction
 * whose foreign key columns are its primary key, a link table that is not a junction (its foreign keys are
 * not in its key), two foreign keys to one table, a self-reference, a one-to-one, views on views (one shows
 * a key column twice) and a view of the junction (a second junction), a union view, and a view over a table of a schema the API does not expose.
 */
export const RELATIONSHIPS_SQL = `
create table students (id int primary key, name text not null, mentor_id int references students (id));
create table courses (id int primary key, title text not null);
create table enrollments (
  student_id int references students (id), course_id int references courses (id), grade text,
  primary key (student_id, course_id)
);
create table visits (id int primary key, student_id int references students (id), course_id int references courses (id));
create table exams (
  id int primary key, course_id int not null references courses (id),
  first_reader int references students (id), second_reader int references students (id)
);
create table lockers (student_id int primary key references students (id), code text);
create table tags (id int primary key, label text not null);
create table course_tags (
  course_id int references courses (id), tag_id int references tags (id), primary key (course_id, tag_id)
);
create view students_v with (security_invoker = true) as
  select id, name as student_name, id as student_ref from students;
create view students_vv with (security_invoker = true) as select id as sid, student_name from students_v;
create view enrollments_v with (security_invoker = true) as select course_id, student_id, grade from enrollments;
create view people_names with (security_invoker = true) as
  select id, name from students union all select id, title from courses;
create schema private;
create table private.badges (id int primary key, student_id int references public.students (id), label text);
create view badges_v with (security_invoker = true) as select id, student_id, label from private.badges;
grant usage on schema private to anon, authenticated;
grant select, insert, update, delete on students, courses, enrollments, visits, exams, lockers, tags, course_tags, students_v,
  students_vv, enrollments_v, people_names, badges_v, private.badges to anon, authenticated;
insert into students values (1, 'Ann', null), (2, 'Ben', 1), (3, 'Cid', 1);
insert into courses values (10, 'Algebra'), (20, 'Botany'), (30, 'Chemistry');
insert into enrollments values (1, 10, 'A'), (1, 20, 'B'), (2, 10, 'C');
insert into visits values (1, 3, 30);
insert into exams values (100, 10, 1, 2), (200, 20, 2, null);
insert into lockers values (1, 'L-1');
insert into tags values (1, 'math'), (2, 'science'), (3, 'unused');
insert into course_tags values (10, 1), (20, 2), (30, 2);
insert into private.badges values (7, 2, 'helper');
`;
