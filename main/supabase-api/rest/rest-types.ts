import type pg from 'pg';

import type { RequestContext } from './executor.js';
import type { Preferences } from './parse/prefer.js';
import type { SchemaCache } from './schema-cache/schema-cache.js';

/** What the REST handlers need from the server. */
export interface RestDeps {
  readonly pool: pg.Pool;
  /** The current schema cache; throws 503 PGRST002 while it is not loaded. */
  readonly cache: () => SchemaCache;
  readonly maxRows: number;
  /** Where failures of the server itself (500s) are logged. */
  readonly log: (text: string) => void;
}

/** A parsed REST request, after routing and content negotiation. */
export interface RestRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'DELETE';
  readonly schema: string;
  readonly name: string;
  readonly search: string;
  readonly prefer: Preferences;
  readonly singular: boolean;
  readonly body: string;
  readonly context: RequestContext;
}

/** What to answer. */
export interface RestResult {
  readonly status: number;
  readonly body: string | null;
  readonly headers: Record<string, string>;
}

/** The one row every statement returns. */
export interface StatementRow {
  readonly total: string | null;
  readonly page_total: string;
  readonly body: string;
  readonly inserted?: string;
}

/** The JSON content type of a response: an object for singular requests, else an array. */
export function jsonContentType(singular: boolean): string {
  return singular ? 'application/vnd.pgrst.object+json; charset=utf-8' : 'application/json; charset=utf-8';
}
