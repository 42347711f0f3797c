import { describe, expect, it } from 'vitest';

import { ApiError, describeApiError } from '../src/api/api-error.js';
import { busySentence } from '../src/api/busy-error.js';
import { ControlApiError } from '../src/api/control-client.js';
import { explainError } from '../src/api/explain-error.js';

/** Errors as supabase-js hands them over: PostgREST bodies, and its wrapper of a fetch that got no answer. */
describe('explainError', () => {
  it('names the Supabase API when a request got no answer, and never shows the stack supabase-js adds', () => {
    // postgrest-js turns a failed fetch into this object, with the stack as `details`.
    const failed = {
      message: 'TypeError: Failed to fetch',
      details: 'TypeError: Failed to fetch\n    at http://127.0.0.1:5433/assets/index-abc.js:12:345',
      hint: '',
      code: '',
    };
    expect(explainError(failed)).toEqual({
      sentence: 'The Supabase API (supabase-api) does not answer: it is stopped or restarting.',
      detail: null,
      service: 'supabase-api',
    });
    expect(describeApiError(failed)).not.toMatch(/assets|at http|TypeError/);
    // auth-js's own error for the same thing.
    const auth = Object.assign(new Error('Failed to fetch'), { name: 'AuthRetryableFetchError', status: 0 });
    expect(explainError(auth).service).toBe('supabase-api');
  });

  it('names the database when the API says it cannot reach it', () => {
    const down = {
      message: 'Database client error. Retrying the connection.',
      code: 'PGRST001',
      details: null,
    };
    expect(explainError(down).service).toBe('postgres');
    expect(explainError(down).sentence).toMatch(/^The database \(postgres\) does not answer/);
    expect(
      explainError({ message: 'terminating connection due to administrator command', code: '57P01' }).service,
    ).toBe('postgres');
  });

  it('translates the refusals users cause, keeping the code and message in the detail line', () => {
    expect(
      explainError({
        message: 'new row violates row-level security policy for table "user_grants"',
        code: '42501',
      }),
    ).toEqual({
      sentence: 'You may not grant on that prefix: only its admins may add grants there.',
      detail: '42501 · new row violates row-level security policy for table "user_grants"',
      service: null,
    });
    expect(
      explainError({
        message: 'value for domain catalog_prefix violates check constraint "Must be a valid catalog prefix"',
        code: '23514',
      }).sentence,
    ).toMatch(/^That is not a catalog prefix: .* like acmeCo\/ or acmeCo\/team\/\.$/);
    const fk = {
      message:
        'update or delete on table "directives" violates foreign key constraint "applied_directives_directive_id_fkey" on table "applied_directives"',
      code: '23503',
      details: 'Key (id)=(01:02:03:04:05:06:07:08) is still referenced from table "applied_directives".',
    };
    expect(explainError(fk).sentence).toBe(
      'This directive has been applied, so it cannot be deleted: the applications refer to it.',
    );
    expect(explainError(fk).detail).toMatch(/^23503 · update or delete on table "directives"/);
    // describeApiError puts the detail on its own line; an ApiError explains the server's error it carries.
    expect(describeApiError(fk)).toMatch(/^This directive has been applied.*\n23503 · /);
    expect(explainError(new ApiError(fk)).sentence).toBe(explainError(fk).sentence);
  });

  it("keeps the server's own words, with details, hint and code, for everything else", () => {
    expect(
      explainError({
        message: 'duplicate key value',
        code: '23505',
        details: 'Key (x)=(1) already exists.',
        hint: 'Use another',
      }),
    ).toEqual({
      sentence: 'duplicate key value — Key (x)=(1) already exists. — Hint: Use another (23505)',
      detail: null,
      service: null,
    });
    expect(explainError('plain').sentence).toBe('plain');
  });

  it('says which operation runs, who asked and for how long when the control API refuses as busy', () => {
    const running = {
      id: 'op-7',
      kind: 'reset' as const,
      service: null,
      requestedBy: 'tray' as const,
      queuedAt: new Date(Date.now() - 13_000).toISOString(),
      startedAt: new Date(Date.now() - 12_000).toISOString(),
    };
    const refused = new ControlApiError(
      'busy with a database reset (op-7, asked by the TRAY, running for 12 s); try again when it is done',
      409,
      'operation_in_progress',
      { code: 'operation_in_progress', message: 'busy …', running, queued: [] },
    );
    expect(explainError(refused)).toEqual({
      sentence:
        'The stack is busy resetting the database (asked from the tray, running for 12 s): try again when it is done.',
      detail: null,
      service: null,
    });
    const restart = {
      ...running,
      kind: 'restart-service' as const,
      service: 'postgres',
      requestedBy: 'cli' as const,
    };
    const queued = [{ ...running, id: 'op-8', startedAt: null }];
    expect(
      busySentence(
        { code: 'operation_in_progress', message: '', running: restart, queued },
        Date.parse(running.startedAt) + 2_400,
      ),
    ).toBe(
      'The stack is busy restarting postgres (asked from the command line, running for 2 s), and 1 more wait their turn: try again when it is done.',
    );
    // A clock behind the server's never gives a negative time.
    expect(busySentence({ code: 'operation_in_progress', message: '', running, queued: [] }, 0)).toContain(
      'running for 0 s',
    );
    expect(busySentence({ code: 'stack_stopping', message: '', running: null, queued: [] })).toBe(
      'The stack is stopping, so nothing else can start now.',
    );
    // Other control API errors keep the server's sentence.
    expect(explainError(new ControlApiError('no service "x"', 404, 'unknown_service')).sentence).toBe(
      'no service "x"',
    );
  });
});
