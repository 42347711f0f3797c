import pg from 'pg';

import { endsSession, isConnectionFailure } from '../db/connection-failure.js';

/** The `details` of an error: mostly text, a list of candidates for an ambiguous embed (PGRST201). */
export type ErrorDetails = string | readonly Readonly<Record<string, string>>[] | null;

/** A PostgREST-shaped error: the HTTP status and the JSON body `{code, details, hint, message}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetails = null,
    readonly hint: string | null = null,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  /** The JSON body PostgREST sends. */
  body(): { code: string; details: ErrorDetails; hint: string | null; message: string } {
    return { code: this.code, details: this.details, hint: this.hint, message: this.message };
  }
}

/** 400 PGRST100: the query string could not be parsed. */
export function parseError(what: string, expected: string): ApiError {
  return new ApiError(400, 'PGRST100', `"failed to parse ${what}"`, expected);
}

function pgStatus(code: string, message: string, role: string): number {
  if (/^PT\d{3}$/.test(code)) return Number(code.slice(2));
  if (code === '23503' || code === '23505') return 409;
  if (code === '25006') return 405;
  if (code === '42501') return role === 'anon' ? 401 : 403;
  if (code === '21000') return message.endsWith('requires a WHERE clause') ? 400 : 500;
  if (code === '22023') return /^role ".*" does not exist$/.test(message) ? 401 : 400;
  if (code === '42883') return message.startsWith('function xmlagg(') ? 406 : 404;
  if (code === '42P01') return 404;
  if (code === '42P17' || code === '53400' || code === 'P0001') return code === 'P0001' ? 400 : 500;
  if (code === '57P01') return 503;
  const two = code.slice(0, 2);
  if (two === '08') return 503;
  if (two === '53') return 503;
  if (['0L', '0P', '28'].includes(two)) return 403;
  if (
    ['09', '25', '2D', '38', '39', '3B', '40', '54', '55', '57', '58', 'F0', 'HV', 'P0', 'XX'].includes(two)
  )
    return 500;
  return 400;
}

/** 503 PGRST000: no connection to the database could be opened. */
export function connectionError(detail: string): ApiError {
  return new ApiError(503, 'PGRST000', 'Database connection error. Retrying the connection.', detail);
}

/** 503 PGRST001: the request's connection failed while it was in use. */
export function clientError(detail: string): ApiError {
  return new ApiError(503, 'PGRST001', 'Database client error. Retrying the connection.', detail);
}

/** 504 PGRST003: every connection of the pool stayed busy for too long. */
export function acquisitionTimeout(): ApiError {
  return new ApiError(504, 'PGRST003', 'Timed out acquiring connection from connection pool.');
}

/** 500: a failure of this server itself (a bug), never the client's or the database's. */
export class InternalError extends ApiError {
  constructor(readonly failure: unknown) {
    super(500, 'PGRST500', 'Internal server error');
  }
}

/**
 * Maps what a request failed with to PostgREST's error. A database error passes its SQLSTATE through as
 * `code` with PostgREST's status table, except that one ending the session (the server shutting the
 * connection down) is 503 PGRST001 like any connection that broke in use (`lost`, or node-postgres saying
 * so). Anything else is this server's own failure: 500, never a 503 that would send clients retrying.
 */
export function toApiError(error: unknown, role: string, lost: boolean): ApiError {
  if (error instanceof ApiError) return error;
  if (
    error instanceof pg.DatabaseError &&
    typeof error.code === 'string' &&
    /^[0-9A-Z]{5}$/.test(error.code)
  ) {
    if (endsSession(error.code)) return clientError(error.message);
    return new ApiError(
      pgStatus(error.code, error.message, role),
      error.code,
      error.message,
      error.detail ?? null,
      error.hint ?? null,
    );
  }
  if (lost || isConnectionFailure(error)) {
    return clientError(error instanceof Error ? error.message : String(error));
  }
  return new InternalError(error);
}
