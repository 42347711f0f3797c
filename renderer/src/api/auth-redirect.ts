/** The session (or error) an Auth redirect brought in the URL fragment, taken out of the address bar. */
export interface AuthRedirect {
  readonly accessToken: string | null;
  readonly refreshToken: string | null;
  /** Auth's `error_description` when the link did not work (expired, used). */
  readonly error: string | null;
}

let captured: AuthRedirect | null = null;

/**
 * Takes an Auth redirect's tokens (`#access_token=…&refresh_token=…`, or `#error_description=…`) out of the
 * address bar and history at start-up, before anything else runs, so no token stays in the URL whether or not
 * this tab can sign in; `takeAuthRedirect` hands them to supabase-js once the stack is connected. True when there
 * was one.
 */
export function captureAuthRedirect(): boolean {
  const hash = window.location.hash;
  if (!/[#&](access_token|error_description)=/.test(hash)) return false;
  const params = new URLSearchParams(hash.slice(1));
  captured = {
    accessToken: params.get('access_token'),
    refreshToken: params.get('refresh_token'),
    error: params.get('error_description'),
  };
  history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/account`);
  return true;
}

/** The captured redirect, once. */
export function takeAuthRedirect(): AuthRedirect | null {
  const redirect = captured;
  captured = null;
  return redirect;
}
