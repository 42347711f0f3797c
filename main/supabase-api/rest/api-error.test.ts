import pg from 'pg';
import { describe, expect, it } from 'vitest';

import { ApiError, InternalError, toApiError } from './api-error.js';

function dbError(code: string, message: string, detail?: string): pg.DatabaseError {
  const error = new pg.DatabaseError(message, 0, 'error');
  error.code = code;
  if (detail !== undefined) error.detail = detail;
  return error;
}

describe('toApiError', () => {
  it("passes a database error's SQLSTATE through with PostgREST's status", () => {
    const dup = toApiError(dbError('23505', 'duplicate key', 'Key (id)=(1) already exists.'), 'anon', false);
    expect(dup.status).toBe(409);
    expect(dup.body()).toEqual({
      code: '23505',
      details: 'Key (id)=(1) already exists.',
      hint: null,
      message: 'duplicate key',
    });
    expect(toApiError(dbError('42501', 'permission denied'), 'anon', false).status).toBe(401);
    expect(toApiError(dbError('42501', 'permission denied'), 'authenticated', false).status).toBe(403);
    expect(toApiError(dbError('54001', 'stack depth limit exceeded'), 'anon', false).status).toBe(500);
  });

  it('is 503 PGRST001 when the connection broke under the request', () => {
    for (const error of [
      dbError('57P01', 'terminating connection due to administrator command'),
      dbError('08006', 'connection failure'),
      new Error('Connection terminated unexpectedly'),
      new Error('Client has encountered a connection error and is not queryable'),
      Object.assign(new Error('read ECONNRESET'), { syscall: 'read', code: 'ECONNRESET' }),
    ]) {
      const answer = toApiError(error, 'anon', false);
      expect(answer.status).toBe(503);
      expect(answer.code).toBe('PGRST001');
    }
    expect(toApiError(new Error('whatever happened'), 'anon', true).code).toBe('PGRST001');
  });

  it("is a 500 for this server's own failures, never a 503 that makes clients retry", () => {
    for (const error of [
      new TypeError("Cannot read properties of undefined (reading 'x')"),
      new URIError('URI malformed'),
      new RangeError('Maximum call stack size exceeded'),
      new Error('the statement returned no row'),
      'a string',
    ]) {
      const answer = toApiError(error, 'anon', false);
      expect(answer).toBeInstanceOf(InternalError);
      expect(answer.status).toBe(500);
      expect((answer as InternalError).failure).toBe(error);
    }
    // Even on a lost connection, a programming error is not blamed on the database.
    expect(toApiError(new TypeError('x'), 'anon', false).status).toBe(500);
  });

  it('keeps an ApiError as it is', () => {
    const error = new ApiError(406, 'PGRST116', 'Cannot coerce the result to a single JSON object');
    expect(toApiError(error, 'anon', true)).toBe(error);
  });
});
