import type pg from 'pg';

import type { RequestContext } from './executor.js';
import type { Media } from './media.js';
import type { Preferences } from './parse/prefer.js';
import type { SchemaCache } from './schema-cache/schema-cache.js';

/** What the REST handlers need from the server. */
export interface RestDeps {
  readonly pool: pg.Pool;
  /** The current schema cache; throws 503 PGRST002 while it is not loaded. */
  readonly cache: () => SchemaCache;
  readonly maxRows: number;
  /** Schemas after the request's own on its search_path (config.toml [api] extra_search_path). */
  readonly extraSearchPath: readonly string[];
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
  /** The negotiated response media (Accept). */
  readonly media: Media;
  /** Whether the answer must be one object (`application/vnd.pgrst.object+json`, or a plan for one). */
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
