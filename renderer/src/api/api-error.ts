/** An error as the Supabase API (PostgREST or Auth) reports it; supabase-js passes these objects through. */
export interface ApiErrorLike {
  readonly message: string;
  readonly code?: string | undefined;
  readonly details?: string | null | undefined;
  readonly hint?: string | null | undefined;
}

/**
 * The text the GUI shows for an API error: PostgREST's message first, then its details and hint, and the code
 * so it can be looked up (`PGRST116`, `23505`, ...).
 */
export function describeApiError(error: unknown): string {
  // An ApiError's message is this description already (its code must not be added twice).
  if (error instanceof ApiError) return error.message;
  if (typeof error !== 'object' || error === null || !('message' in error)) return String(error);
  const e = error as ApiErrorLike;
  const parts = [e.message];
  if (e.details) parts.push(e.details);
  if (e.hint) parts.push(`Hint: ${e.hint}`);
  const text = parts.join(' — ');
  return e.code ? `${text} (${e.code})` : text;
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
