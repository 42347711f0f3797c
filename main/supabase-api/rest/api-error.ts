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

/** Fields of a database error as node-postgres reports them. */
interface PgErrorLike {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly detail?: unknown;
  readonly hint?: unknown;
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

/**
 * Maps a node-postgres error to PostgREST's error: the SQLSTATE passes through as `code` with PostgREST's
 * status table. Errors without a SQLSTATE (a dropped connection) become 503 PGRST000, never a stack trace.
 */
export function fromPgError(error: unknown, role: string): ApiError {
  if (error instanceof ApiError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as PgErrorLike;
  const code = typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : null;
  const message = typeof e.message === 'string' ? e.message : 'Internal error';
  if (code === null) {
    return new ApiError(503, 'PGRST000', 'Database client error. Retrying the connection.', message);
  }
  const detail = typeof e.detail === 'string' ? e.detail : null;
  const hint = typeof e.hint === 'string' ? e.hint : null;
  return new ApiError(pgStatus(code, message, role), code, message, detail, hint);
}
