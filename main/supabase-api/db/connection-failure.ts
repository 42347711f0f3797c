import pg from 'pg';

/** SQLSTATEs with which the server says it ended the session (admin shutdown, crash shutdown, starting up). */
const SERVER_ENDED_SESSION = new Set(['57P01', '57P02', '57P03']);

/** SQLSTATEs with which the server ends the session: the connection is gone, not the statement refused. */
export function endsSession(code: string): boolean {
  return code.startsWith('08') || SERVER_ENDED_SESSION.has(code);
}

const PROGRAMMING_ERRORS = [TypeError, RangeError, ReferenceError, SyntaxError, URIError, EvalError];

/**
 * node-postgres's own errors for a connection that broke under a query (its socket closed or reset, or the
 * client was already unusable), as opposed to an error of this server's code.
 */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error) || PROGRAMMING_ERRORS.some((E) => error instanceof E)) return false;
  if ('syscall' in error) return true;
  return /^(Connection terminated|Client has encountered a connection error|Client was closed|Query read timeout|timeout expired)/.test(
    error.message,
  );
}

/**
 * Whether the server said it ended the session (57P01 admin shutdown or pg_terminate_backend, 57P02 crash
 * shutdown, 57P03 starting up or shutting down): it aborted whatever transaction the session had open, so
 * the work on that connection did not commit.
 */
export function serverEndedSession(error: unknown): boolean {
  return (
    error instanceof pg.DatabaseError &&
    typeof error.code === 'string' &&
    SERVER_ENDED_SESSION.has(error.code)
  );
}

/** Whether an error means the database connection failed (rather than the statement being refused). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof pg.DatabaseError && typeof error.code === 'string') return endsSession(error.code);
  return isConnectionFailure(error);
}
