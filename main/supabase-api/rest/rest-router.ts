import type { IncomingMessage } from 'node:http';

import type pg from 'pg';

import { connectionLost } from '../db/pool.js';
import { invalidUtf8 } from '../http/utf8.js';
import { acquisitionTimeout, ApiError, connectionError, InternalError, toApiError } from './api-error.js';
import type { RequestContext } from './executor.js';
import { negotiate } from './media.js';
import { parsePrefer } from './parse/prefer.js';
import { readTable } from './read-handler.js';
import { callRpc } from './rpc-handler.js';
import type { RestDeps, RestRequest, RestResult } from './rest-types.js';
import { writeTable } from './write-handler.js';

function chooseSchema(deps: RestDeps, profile: string | undefined): string {
  const exposed = deps.cache().schemas;
  if (profile === undefined || profile === '') return exposed[0]!;
  if (!exposed.includes(profile)) {
    // PostgREST 12.2's wording (Error.hs UnacceptableSchema); 13.0.7 (#4089) moved the list into the hint.
    throw new ApiError(406, 'PGRST106', `The schema must be one of the following: ${exposed.join(', ')}`);
  }
  return profile;
}

/**
 * The headers as a JSON object with lower-cased names, repeated headers joined with ", ". Node already
 * lower-cases names and joins repeats, except set-cookie (an array), so the usual case is one stringify.
 */
function headersJson(req: IncomingMessage): string {
  const headers = req.headers;
  if (headers['set-cookie'] === undefined) return JSON.stringify(headers);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return JSON.stringify(out);
}

/** Handles one request below /rest/v1; `path` is the rest of the path, `search` the raw query string. */
export async function handleRest(
  deps: RestDeps,
  req: IncomingMessage,
  path: string,
  search: string,
  body: Buffer,
  identity: { role: string; claims: Readonly<Record<string, unknown>>; claimsJson: string },
): Promise<RestResult> {
  const method = (req.method ?? 'GET').toUpperCase();
  let client: pg.PoolClient | null = null;
  try {
    const segments = pathSegments(path);
    const isRpc = segments.length === 2 && segments[0] === 'rpc';
    if (segments.length === 0) return openApiRoot(deps);
    if (!(segments.length === 1 || isRpc)) {
      throw new ApiError(404, 'PGRST125', 'Invalid path specified in request URL');
    }
    if (!['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'].includes(method)) {
      if (isRpc) throw new ApiError(405, 'PGRST101', `Cannot use the ${method} method on RPC`);
      throw new ApiError(405, 'PGRST117', `Unsupported HTTP method: ${method}`);
    }
    if (isRpc && (method === 'PATCH' || method === 'DELETE')) {
      throw new ApiError(405, 'PGRST101', `Cannot use the ${method} method on RPC`);
    }
    const reading = method === 'GET' || method === 'HEAD';
    const profile = req.headers[reading ? 'accept-profile' : 'content-profile'];
    const schema = chooseSchema(deps, typeof profile === 'string' ? profile : undefined);
    const cache = deps.cache();
    const prefer = parsePrefer(
      typeof req.headers.prefer === 'string' ? req.headers.prefer : undefined,
      cache.timezones,
    );
    const media = negotiate(
      typeof req.headers.accept === 'string' ? req.headers.accept : undefined,
      cache.settings.planEnabled,
    );
    const context: RequestContext = {
      role: identity.role,
      claims: identity.claims,
      claimsJson: identity.claimsJson,
      method,
      path: `/${segments.join('/')}`,
      headersJson: headersJson(req),
      schema,
      searchPath: searchPath(schema, deps.extraSearchPath),
      ...(prefer.timezone !== undefined ? { timezone: prefer.timezone } : {}),
    };
    const restReq: RestRequest = {
      method: method as RestRequest['method'],
      schema,
      name: isRpc ? segments[1]! : segments[0]!,
      search,
      prefer,
      media,
      singular: media.kind === 'object' || (media.kind === 'plan' && media.for === 'object'),
      body: reading ? '' : decodeBody(body),
      context,
    };
    client = await acquire(deps.pool);
    let result: RestResult;
    if (isRpc) result = await callRpc(client, cache, restReq, deps.maxRows);
    else if (reading) result = await readTable(client, cache, restReq, deps.maxRows);
    else result = await writeTable(client, cache, restReq);
    client.release();
    client = null;
    if (typeof profile === 'string') result.headers['Content-Profile'] = schema;
    return result;
  } catch (error: unknown) {
    const lost = client !== null && connectionLost(client);
    const answer = toApiError(error, identity.role, lost);
    // A client whose connection failed, or that a bug left in an unknown state, is closed, not reused.
    const broken = lost || answer instanceof InternalError || answer.code === 'PGRST001';
    client?.release(broken ? true : undefined);
    if (answer instanceof InternalError) {
      const e = answer.failure;
      deps.log(`REST ${method} ${path} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
    return errorResult(answer);
  }
}

const searchPaths = new WeakMap<readonly string[], Map<string, string>>();

/** `"schema", "extra", ...` as PostgREST sets search_path (made once per schema). */
function searchPath(schema: string, extra: readonly string[]): string {
  let bySchema = searchPaths.get(extra);
  if (!bySchema) {
    bySchema = new Map();
    searchPaths.set(extra, bySchema);
  }
  let found = bySchema.get(schema);
  if (found === undefined) {
    found = [schema, ...extra].map((s) => `"${s.replaceAll('"', '""')}"`).join(', ');
    bySchema.set(schema, found);
  }
  return found;
}

/** The path's segments, percent-decoded; a malformed escape is a 400. */
function pathSegments(path: string): string[] {
  try {
    return path
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
  } catch {
    throw new ApiError(400, 'PGRST100', `"failed to parse the path (${path})"`, 'malformed percent-encoding');
  }
}

/** The body as text; invalid UTF-8 is refused as PostgreSQL refuses it (22021), never replaced. */
function decodeBody(body: Buffer): string {
  const bad = invalidUtf8(body);
  if (bad !== null) {
    throw new ApiError(400, '22021', `invalid byte sequence for encoding "UTF8": ${bad}`);
  }
  return body.toString('utf8');
}

/** A client from the pool: 503 PGRST000 when no connection can be opened, 504 PGRST003 when none is free. */
async function acquire(pool: pg.Pool): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    // pg-pool's wording for a wait in its queue (every client busy) that outlasted the timeout.
    if (message === 'timeout exceeded when trying to connect') throw acquisitionTimeout();
    throw connectionError(message);
  }
}

/** A PostgREST error response. */
export function errorResult(error: ApiError): RestResult {
  return {
    status: error.status,
    body: JSON.stringify(error.body()),
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Proxy-Status': `PostgREST; error=${error.code}`,
      ...error.headers,
    },
  };
}

function openApiRoot(deps: RestDeps): RestResult {
  const cache = deps.cache();
  const paths: Record<string, object> = { '/': {} };
  for (const t of cache.tables.values()) paths[`/${t.name}`] = {};
  for (const fns of cache.functions.values()) for (const f of fns) paths[`/rpc/${f.name}`] = {};
  const doc = { swagger: '2.0', info: { title: 'Flow Desktop REST API', version: '12' }, paths };
  return {
    status: 200,
    body: JSON.stringify(doc),
    headers: { 'Content-Type': 'application/openapi+json; charset=utf-8' },
  };
}
