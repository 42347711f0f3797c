import { explainedText } from './explain-error.js';

/** An error as the Supabase API (PostgREST or Auth) reports it; supabase-js passes these objects through. */
export interface ApiErrorLike {
  readonly message: string;
  readonly code?: string | undefined;
  readonly details?: string | null | undefined;
  readonly hint?: string | null | undefined;
}

/**
 * The text the GUI shows for an API error (see `explainError`): a sentence, and for translated database errors a
 * second line with the code and PostgREST's message (`42501 · new row violates …`); untranslated ones keep
 * PostgREST's message, details and hint with the code (`PGRST116`, `23505`, ...). Never a stack trace.
 */
export function describeApiError(error: unknown): string {
  // An ApiError's message is this description already (its code must not be added twice).
  if (error instanceof ApiError) return error.message;
  return explainedText(error);
}

/** Throws the API error of a supabase-js result, or returns its data. */
export function unwrap<T>(result: { data: T | null; error: ApiErrorLike | null }): T {
  if (result.error) throw new ApiError(result.error);
  return result.data as T;
}

/** An API error thrown by `unwrap`, keeping PostgREST's code and details. */
export class ApiError extends Error {
  readonly code: string | undefined;
  constructor(readonly api: ApiErrorLike) {
    super(describeApiError(api));
    this.code = api.code;
  }
}
