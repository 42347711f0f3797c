import type { ApiErrorLike } from './api-error.js';
import { busyBody, busySentence } from './busy-error.js';

/** An error as a person reads it: a sentence saying what happened (and what to do), and the server's words. */
export interface ExplainedError {
  readonly sentence: string;
  /** The server's message and code (`42501 · new row violates …`), or null when the sentence is all there is. */
  readonly detail: string | null;
  /** The stack service whose absence caused it, when that is the reason. */
  readonly service: 'supabase-api' | 'postgres' | null;
}

/** Codes PostgREST answers when it cannot reach the database, and SQLSTATE classes of a lost connection. */
const DATABASE_DOWN = /^(PGRST00[0-2]|08\w{3}|57P0[1-3]|53\w{3})$/;

/** True for a request that got no answer at all (fetch's TypeError, as supabase-js passes it on). */
function isNetworkFailure(message: string, name?: string): boolean {
  return (
    name === 'AuthRetryableFetchError' ||
    /^(TypeError: )?(Failed to fetch|NetworkError when attempting to fetch resource|Load failed|fetch failed)/i.test(
      message,
    ) ||
    /^FetchError\b/.test(message)
  );
}

function detailOf(e: ApiErrorLike): string {
  return e.code ? `${e.code} · ${e.message}` : e.message;
}

/** What a database refusal users cause means, in a sentence; null for the ones without a better sentence. */
function translate(e: ApiErrorLike): string | null {
  const text = `${e.message} ${e.details ?? ''}`;
  switch (e.code ?? '') {
    case '42501': {
      if (/row-level security policy for table "(user_grants|role_grants)"/.test(text))
        return 'You may not grant on that prefix: only its admins may add grants there.';
      const table = /permission denied for (?:table|view|function) (\w+)/.exec(text)?.[1];
      if (table) return `Your role may not read or change ${table}: sign in as a user with a grant.`;
      const rls = /row-level security policy for table "(\w+)"/.exec(text)?.[1];
      if (rls) return `Row-level security refused the change to ${rls}: your grants do not cover it.`;
      return 'The database refused this: your grants do not allow it.';
    }
    case '23514': {
      const domain = /value for domain (catalog_prefix|catalog_name|catalog_tenant)\b/.exec(text)?.[1];
      if (domain === 'catalog_prefix')
        return 'That is not a catalog prefix: a prefix is one or more parts of letters, digits, "-", "_" and ".", each ending in "/", like acmeCo/ or acmeCo/team/.';
      if (domain === 'catalog_name')
        return 'That is not a catalog name: use parts of letters, digits, "-", "_" and ".", separated by "/" and not ending in "/", like acmeCo/orders.';
      if (domain === 'catalog_tenant')
        return 'That is not a tenant name: a tenant is one part of letters, digits, "-", "_" and ".", ending in "/", like acmeCo/.';
      return null;
    }
    case '23503': {
      if (
        /on table "applied_directives"/.test(text) &&
        /(update or )?delete on table "directives"/.test(text)
      )
        return 'This directive has been applied, so it cannot be deleted: the applications refer to it.';
      if (/^(update or )?delete on table/.test(e.message))
        return 'It cannot be deleted: other rows still refer to it.';
      return 'It refers to something that does not exist (any more).';
    }
    case 'PGRST116':
      return 'It does not exist (any more), or you may not see it.';
    case 'PGRST301':
    case 'PGRST303':
      return 'Your sign-in has expired or is no longer valid: sign in again on the Account page.';
    default:
      return null;
  }
}

/**
 * Explains an error for the GUI: a request that got no answer names the service that is down (the Supabase API;
 * the database when the API says it cannot reach it) instead of showing fetch's stack trace, and the database
 * refusals users cause (42501 RLS, 23514 domain checks, 23503 foreign keys) become sentences with the code kept
 * in the detail. Anything else keeps the server's message.
 */
export function explainError(error: unknown): ExplainedError {
  if (typeof error !== 'object' || error === null || !('message' in error))
    return { sentence: String(error), detail: null, service: null };
  // An ApiError (api-error.ts) carries the server's error as `api`: explain that, not its message.
  if ('api' in error && typeof error.api === 'object' && error.api !== null) return explainError(error.api);
  const e = error as ApiErrorLike & { readonly name?: string };
  const message = String(e.message);
  // The control API's answers are sentences already (its code is for programs); a busy answer names the
  // operation that runs, from the body's fields, on this browser's clock.
  if (e.name === 'ControlApiError') {
    const busy = busyBody(error);
    return { sentence: busy ? busySentence(busy) : message, detail: null, service: null };
  }
  if (isNetworkFailure(message, e.name)) {
    return {
      sentence: 'The Supabase API (supabase-api) does not answer: it is stopped or restarting.',
      detail: null,
      service: 'supabase-api',
    };
  }
  if (e.code && DATABASE_DOWN.test(e.code)) {
    return {
      sentence: 'The database (postgres) does not answer: it is stopped or restarting.',
      detail: detailOf(e),
      service: 'postgres',
    };
  }
  const sentence = translate(e);
  if (sentence) return { sentence, detail: detailOf(e), service: null };
  const parts = [message];
  // A `details` that is a stack trace (supabase-js puts fetch's stack there) is never shown.
  if (e.details && !/\n\s+at /.test(e.details)) parts.push(e.details);
  if (e.hint) parts.push(`Hint: ${e.hint}`);
  const text = parts.join(' — ');
  return { sentence: e.code ? `${text} (${e.code})` : text, detail: null, service: null };
}

/** The explained error as one string: the sentence, then the detail on its own line. */
export function explainedText(error: unknown): string {
  const { sentence, detail } = explainError(error);
  return detail ? `${sentence}\n${detail}` : sentence;
}
