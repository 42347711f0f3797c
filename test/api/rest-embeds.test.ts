import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApiTestEnv, type ApiTestEnv, type Client } from './api-test-env.js';
import { CONTROL_PLANE_SQL, RELATIONSHIPS_SQL } from './embed-fixtures.js';
import { runSql } from './rest-fixtures.js';

// Embeds through views (relationships traced through pg_rewrite, as PostgREST infers them), many-to-many
// through a junction table, and spreads, all through supabase-js against the real control-plane schema.
describe('REST embeds: views, many-to-many, spreads', () => {
  let env: ApiTestEnv;
  let alice: Client;
  let bob: Client;
  let anon: Client;
  beforeAll(async () => {
    env = await startApiTestEnv();
    await runSql(env.db.url, CONTROL_PLANE_SQL + RELATIONSHIPS_SQL);
    await env.server.reloadSchema();
    alice = await env.signedIn('alice@example.com');
    bob = await env.signedIn('bob@example.com');
    anon = env.client();
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('embeds from a view into a view, a view into a table, and a table into a view (control plane)', async () => {
    const live = await alice
      .from('live_specs_ext')
      .select('catalog_name, publication_specs_ext(pub_id, detail)')
      .order('pub_id', { referencedTable: 'publication_specs_ext' });
    expect(live.error).toBeNull();
    expect(live.data).toEqual([
      {
        catalog_name: 'aliceCo/a/b',
        publication_specs_ext: [
          { pub_id: '00:00:00:00:00:00:03:00', detail: 'first' },
          { pub_id: '00:00:00:00:00:00:03:01', detail: 'second' },
        ],
      },
    ]);
    const specs = await alice.from('draft_specs_ext').select('*, drafts(detail)').order('catalog_name');
    expect(specs.error).toBeNull();
    expect(
      specs.data?.map((r: { catalog_name: string; drafts: unknown }) => [r.catalog_name, r.drafts]),
    ).toEqual([
      ['aliceCo/a/b', { detail: 'alice draft' }],
      ['aliceCo/a/c', { detail: 'alice draft' }],
    ]);
    const drafts = await alice
      .from('drafts_ext')
      .select('*, draft_specs(catalog_name)')
      .order('catalog_name', { referencedTable: 'draft_specs' })
      .single();
    expect(drafts.error).toBeNull();
    expect(drafts.data).toMatchObject({
      detail: 'alice draft',
      num_specs: 2,
      draft_specs: [{ catalog_name: 'aliceCo/a/b' }, { catalog_name: 'aliceCo/a/c' }],
    });
    // Table → view (to-many) and view → view (to-one, an object).
    const toView = await alice
      .from('drafts')
      .select('detail, draft_specs_ext(catalog_name, live_spec_type)')
      .order('catalog_name', { referencedTable: 'draft_specs_ext' });
    expect(toView.data).toEqual([
      {
        detail: 'alice draft',
        draft_specs_ext: [
          { catalog_name: 'aliceCo/a/b', live_spec_type: 'collection' },
          { catalog_name: 'aliceCo/a/c', live_spec_type: null },
        ],
      },
    ]);
    const toOne = await alice
      .from('publication_specs_ext')
      .select('pub_id, live_specs_ext(catalog_name, last_pub_id)')
      .eq('pub_id', '00:00:00:00:00:00:03:00')
      .single();
    expect(toOne.data).toEqual({
      pub_id: '00:00:00:00:00:00:03:00',
      live_specs_ext: { catalog_name: 'aliceCo/a/b', last_pub_id: '00:00:00:00:00:00:03:01' },
    });
  });

  it('keeps RLS inside embeds through views, with !inner and embedded filters', async () => {
    // Bob sees only his own draft; the embed through the view cannot reach alice's rows either.
    const bobs = await bob.from('draft_specs_ext').select('catalog_name, drafts(detail)');
    expect(bobs.data).toEqual([{ catalog_name: 'bobCo/x', drafts: { detail: 'bob draft' } }]);
    const inner = await alice
      .from('drafts_ext')
      .select('detail, draft_specs!inner(catalog_name)')
      .eq('draft_specs.catalog_name', 'aliceCo/a/c');
    expect(inner.data).toEqual([{ detail: 'alice draft', draft_specs: [{ catalog_name: 'aliceCo/a/c' }] }]);
    const none = await alice
      .from('drafts_ext')
      .select('detail, draft_specs!inner(catalog_name)')
      .eq('draft_specs.catalog_name', 'nope');
    expect(none.data).toEqual([]);
    const filtered = await alice
      .from('live_specs_ext')
      .select('catalog_name, publication_specs_ext(detail)')
      .eq('publication_specs_ext.detail', 'second');
    expect(filtered.data).toEqual([
      { catalog_name: 'aliceCo/a/b', publication_specs_ext: [{ detail: 'second' }] },
    ]);
    const counted = await alice
      .from('drafts_ext')
      .select('id, draft_specs!inner(id)', { count: 'exact', head: true })
      .eq('draft_specs.catalog_name', 'aliceCo/a/b');
    expect(counted.count).toBe(1);
  });

  it('traces views on views, a key column shown twice, and tables of unexposed schemas', async () => {
    const vv = await anon.from('students_vv').select('student_name, enrollments(course_id)').eq('sid', 1);
    expect(vv.data).toEqual([{ student_name: 'Ann', enrollments: [{ course_id: 10 }, { course_id: 20 }] }]);
    // students_v shows students.id as `id` and as `student_ref`: two relationships, told apart by a hint.
    const twice = await anon.from('enrollments').select('grade, students_v(student_name)');
    expect(twice.status).toBe(300);
    expect(twice.error).toMatchObject({
      code: 'PGRST201',
      message:
        "Could not embed because more than one relationship was found for 'enrollments' and 'students_v'",
      hint: "Try changing 'students_v' to one of the following: 'students_v!enrollments_student_id_fkey', 'students_v!enrollments_student_id_fkey'. Find the desired relationship in the 'details' key.",
    });
    expect(twice.error?.details).toEqual([
      {
        cardinality: 'many-to-one',
        embedding: 'enrollments with students_v',
        relationship: 'enrollments_student_id_fkey using enrollments(student_id) and students_v(id)',
      },
      {
        cardinality: 'many-to-one',
        embedding: 'enrollments with students_v',
        relationship: 'enrollments_student_id_fkey using enrollments(student_id) and students_v(student_ref)',
      },
    ]);
    const hinted = await anon
      .from('enrollments')
      .select('grade, students_v!student_ref(student_name)')
      .eq('course_id', 20);
    expect(hinted.data).toEqual([{ grade: 'B', students_v: { student_name: 'Ann' } }]);
    // badges_v reads private.badges, whose foreign key points at public.students.
    const badge = await anon.from('badges_v').select('label, students(name)');
    expect(badge.data).toEqual([{ label: 'helper', students: { name: 'Ben' } }]);
    // A union view traces to no table, as in PostgREST.
    const union = await anon.from('people_names').select('name, students(name)');
    expect(union.status).toBe(400);
    expect(union.error).toMatchObject({
      code: 'PGRST200',
      message: "Could not find a relationship between 'people_names' and 'students' in the schema cache",
    });
  });

  it('follows foreign keys by table, constraint or column name, hints, self-references and one-to-one', async () => {
    const exams = await anon.from('exams').select('id, students(name)');
    expect(exams.status).toBe(300);
    expect(exams.error?.hint).toBe(
      "Try changing 'students' to one of the following: 'students!exams_first_reader_fkey', 'students!exams_second_reader_fkey'. Find the desired relationship in the 'details' key.",
    );
    const byHint = await anon
      .from('exams')
      .select('id, first:students!exams_first_reader_fkey(name), second:students!second_reader(name)')
      .order('id');
    expect(byHint.data).toEqual([
      { id: 100, first: { name: 'Ann' }, second: { name: 'Ben' } },
      { id: 200, first: { name: 'Ben' }, second: null },
    ]);
    const byColumn = await anon.from('exams').select('id, first_reader(name)').eq('id', 200).single();
    expect(byColumn.data).toEqual({ id: 200, first_reader: { name: 'Ben' } });
    // Self-reference: the table name is the one-to-many side, the column the many-to-one side.
    const mentees = await anon.from('students').select('name, students(name)').eq('id', 1).single();
    expect(mentees.data).toEqual({ name: 'Ann', students: [{ name: 'Ben' }, { name: 'Cid' }] });
    const mentor = await anon.from('students').select('name, mentor_id(name)').eq('id', 2).single();
    expect(mentor.data).toEqual({ name: 'Ben', mentor_id: { name: 'Ann' } });
    // lockers.student_id is its primary key: one-to-one both ways, an object or null.
    const lockers = await anon.from('students').select('name, lockers(code)').order('id').limit(2);
    expect(lockers.data).toEqual([
      { name: 'Ann', lockers: { code: 'L-1' } },
      { name: 'Ben', lockers: null },
    ]);
    const missing = await anon.from('students').select('name, courses!nope(title)');
    expect(missing.status).toBe(400);
    expect(missing.error).toMatchObject({
      code: 'PGRST200',
      details:
        "Searched for a foreign key relationship between 'students' and 'courses' using the hint 'nope' in the schema 'public', but no matches were found.",
    });
  });

  it('embeds many-to-many through a junction whose foreign keys are its primary key', async () => {
    const tags = await anon.from('courses').select('title, tags(label)').order('id');
    expect(tags.error).toBeNull();
    expect(tags.data).toEqual([
      { title: 'Algebra', tags: [{ label: 'math' }] },
      { title: 'Botany', tags: [{ label: 'science' }] },
      { title: 'Chemistry', tags: [{ label: 'science' }] },
    ]);
    const back = await anon
      .from('tags')
      .select('label, courses!inner(title)')
      .order('id')
      .order('title', { referencedTable: 'courses', ascending: false })
      .limit(1, { referencedTable: 'courses' });
    expect(back.data).toEqual([
      { label: 'math', courses: [{ title: 'Algebra' }] },
      { label: 'science', courses: [{ title: 'Chemistry' }] },
    ]);
    // Students and courses are joined by enrollments and by the view enrollments_v (a junction too, its
    // key traced to enrollments'): ambiguous until the junction is named. visits is no junction.
    const ambiguous = await anon.from('students').select('name, courses(title)');
    expect(ambiguous.status).toBe(300);
    expect(ambiguous.error?.hint).toBe(
      "Try changing 'courses' to one of the following: 'courses!enrollments', 'courses!enrollments_v'. Find the desired relationship in the 'details' key.",
    );
    expect(ambiguous.error?.details).toContainEqual({
      cardinality: 'many-to-many',
      embedding: 'students with courses',
      relationship:
        'enrollments using enrollments_student_id_fkey(student_id) and enrollments_course_id_fkey(course_id)',
    });
    const courses = await anon
      .from('students')
      .select('name, courses!enrollments(title)')
      .order('id')
      .eq('courses.title', 'Algebra');
    expect(courses.data).toEqual([
      { name: 'Ann', courses: [{ title: 'Algebra' }] },
      { name: 'Ben', courses: [{ title: 'Algebra' }] },
      { name: 'Cid', courses: [] },
    ]);
  });

  it('spreads to-one embeds into the parent object; a to-many one needs aggregates', async () => {
    const spread = await anon
      .from('enrollments')
      .select('grade, ...students(student:name, ...lockers(code)), ...courses(title)')
      .order('grade');
    expect(spread.error).toBeNull();
    expect(spread.data).toEqual([
      { grade: 'A', student: 'Ann', code: 'L-1', title: 'Algebra' },
      { grade: 'B', student: 'Ann', code: 'L-1', title: 'Botany' },
      { grade: 'C', student: 'Ben', code: null, title: 'Algebra' },
    ]);
    const inner = await anon
      .from('enrollments')
      .select('grade, ...students!inner(name)')
      .eq('students.name', 'Ben');
    expect(inner.data).toEqual([{ grade: 'C', name: 'Ben' }]);
    const throughView = await alice
      .from('draft_specs_ext')
      .select('catalog_name, ...drafts(draft_detail:detail)')
      .order('catalog_name')
      .limit(1)
      .single();
    expect(throughView.data).toEqual({ catalog_name: 'aliceCo/a/b', draft_detail: 'alice draft' });
    // PostgREST 13 (SpreadQueriesSpec): a to-many spread aggregates, so it is refused while aggregates are off.
    const toMany = await anon.from('students').select('name, ...enrollments(grade)');
    expect(toMany.status).toBe(400);
    expect(toMany.error).toEqual({
      code: 'PGRST123',
      details: null,
      hint: null,
      message: 'Use of aggregate functions is not allowed',
    });
  });

  it('returns embeds and spreads of written rows', async () => {
    const inserted = await anon
      .from('enrollments')
      .insert({ student_id: 3, course_id: 30, grade: 'D' })
      .select('grade, ...students(name), courses(title, tags(label))')
      .single();
    expect(inserted.error).toBeNull();
    expect(inserted.data).toEqual({
      grade: 'D',
      name: 'Cid',
      courses: { title: 'Chemistry', tags: [{ label: 'science' }] },
    });
    const removed = await anon
      .from('enrollments')
      .delete()
      .eq('student_id', 3)
      .select('grade, students_v!student_ref(student_name)');
    expect(removed.data).toEqual([{ grade: 'D', students_v: { student_name: 'Cid' } }]);
  });
});
