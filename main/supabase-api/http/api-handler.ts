import type { IncomingMessage, ServerResponse } from 'node:http';

import { handleAuth } from '../auth/auth-router.js';
import type { AuthDeps } from '../auth/auth-types.js';
import { ApiError } from '../rest/api-error.js';
import { type FunctionsRoute, proxyToFunctions } from '../functions/functions-proxy.js';
import { errorResult, handleRest } from '../rest/rest-router.js';
import type { RestDeps, RestResult } from '../rest/rest-types.js';
import { answerPreflight, applyCors } from './cors.js';
import { isMalformedUrl } from './guard.js';
import { BodyTooLargeError, readBodyBytes, RequestAbortedError, send, sendJson } from './http-io.js';
import type { JwtCodec } from './jwt.js';
import { identify } from './request-auth.js';

/** Everything the API's HTTP handler dispatches to. */
export interface ApiHandlerDeps {
  readonly rest: RestDeps;
  readonly auth: AuthDeps;
  readonly jwt: JwtCodec;
  /** The Edge Functions runtime behind /functions/v1; null when the edge runtime is off. */
  readonly functions?: FunctionsRoute | null;
  readonly log: (text: string) => void;
}

const EMPTY = Buffer.alloc(0);

function sendRest(res: ServerResponse, result: RestResult): void {
  send(res, result.status, result.body, result.headers);
}

async function rest(
  deps: ApiHandlerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  search: string,
): Promise<void> {
  const found = await identify(req, deps.jwt);
  if (!found.ok) {
    if ('badRole' in found) {
      // The authenticator is not a member of any other role: PostgREST fails the same way at SET ROLE.
      const error = new ApiError(403, '42501', `permission denied to set role "${found.badRole}"`);
      sendRest(res, errorResult(error));
      return;
    }
    // PostgREST 12.2 answers every refused token with PGRST301 ("JWT expired" included, which clients check
    // to refresh their session); PGRST303 for claims came with 13.0 (#3600).
    const error = new ApiError(401, 'PGRST301', found.error.message, null, null, {
      'WWW-Authenticate': `Bearer error="invalid_token", error_description="${found.error.message}"`,
    });
    sendRest(res, errorResult(error));
    return;
  }
  const body = req.method === 'GET' || req.method === 'HEAD' ? EMPTY : await readBodyBytes(req);
  sendRest(res, await handleRest(deps.rest, req, path, search, body, found.identity));
}

/** The request listener of the API port: CORS, then /rest/v1, /auth/v1 and /functions/v1. */
export function apiHandler(deps: ApiHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      try {
        const raw = req.url ?? '/';
        const q = raw.indexOf('?');
        const pathname = q < 0 ? raw : raw.slice(0, q);
        const search = q < 0 ? '' : raw.slice(q + 1);
        if (req.method === 'OPTIONS') {
          answerPreflight(req, res);
          return;
        }
        applyCors(req, res);
        if (pathname === '/rest/v1' || pathname.startsWith('/rest/v1/')) {
          await rest(deps, req, res, pathname.slice('/rest/v1'.length), search);
        } else if (pathname === '/auth/v1' || pathname.startsWith('/auth/v1/')) {
          const body = req.method === 'GET' || req.method === 'HEAD' ? EMPTY : await readBodyBytes(req);
          const result = await handleAuth(
            deps.auth,
            req,
            pathname.slice('/auth/v1'.length),
            search,
            body,
            deps.log,
          );
          if (result.json === undefined) send(res, result.status, null, result.headers);
          else sendJson(res, result.status, result.json, result.headers);
        } else if (pathname.startsWith('/functions/v1/') && deps.functions) {
          await proxyToFunctions(deps.functions, req, res, raw.slice('/functions/v1'.length), deps.log);
        } else {
          sendJson(res, 404, { message: 'no Route matched with those values' });
        }
      } catch (error: unknown) {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        if (error instanceof RequestAbortedError) {
          res.destroy();
          return;
        }
        if (error instanceof BodyTooLargeError) {
          sendJson(res, 413, { code: 'PGRST413', details: null, hint: null, message: 'Payload too large' });
          return;
        }
        if (isMalformedUrl(error)) {
          sendJson(res, 400, { code: 'PGRST100', details: null, hint: null, message: 'Malformed URL' });
          return;
        }
        deps.log(
          `request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        sendJson(res, 500, { code: 'PGRST500', details: null, hint: null, message: 'Internal server error' });
      }
    })();
  };
}
