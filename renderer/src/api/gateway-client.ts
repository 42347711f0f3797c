// The data-plane gateway's REST API (shared/reference/flow-contracts.md §2), typed: a token from the control
// plane's `gateway_auth_token`, then shard listings and journal reads with it. No state here: the shards store
// keeps what the GUI shows.
import type { SupabaseClient } from '@supabase/supabase-js';

import { ApiError } from './api-error.js';

/** A token for the gateway and where the gateway is. */
export interface GatewayAuth {
  readonly token: string;
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:28318/`. */
  readonly gatewayUrl: string;
  /** The prefixes the token grants (the requested ones the user may read). */
  readonly prefixes: readonly string[];
  /** Expiry, in ms since the epoch. */
  readonly expiresAt: number;
}

/** A gazette label. */
export interface Label {
  readonly name: string;
  readonly value: string;
}

/** A gazette LabelSelector. */
export interface LabelSelector {
  readonly include?: { readonly labels: readonly Label[] };
  readonly exclude?: { readonly labels: readonly Label[] };
}

/** Shard status codes of gazette's consumer. */
export type ShardStatusCode = 'IDLE' | 'BACKFILL' | 'STANDBY' | 'PRIMARY' | 'FAILED';

/** One shard as `/v1/shards/list` returns it (the fields the GUI uses). */
export interface Shard {
  readonly spec: {
    readonly id: string;
    readonly disable?: boolean;
    readonly labels?: { readonly labels?: readonly Label[] };
  };
  readonly status?: readonly { readonly code: ShardStatusCode; readonly errors?: readonly string[] }[];
}

/** One journal as `/v1/journals/list` returns it. */
export interface JournalSpec {
  readonly name: string;
  readonly labels?: { readonly labels?: readonly Label[] };
}

/** One response of `/v1/journals/read` (int64 fields are strings in JSON). */
export interface ReadResponse {
  readonly status?: string;
  readonly offset?: string;
  readonly writeHead?: string;
  /** Base64 of the bytes from `offset`. */
  readonly content?: string;
}

/** The gateway cannot be reached: no data plane runs (or it is starting). */
export class GatewayUnreachableError extends Error {}

/** The gateway answered with an error (its message starts `Unauthenticated:`, `Authentication failed:`, ...). */
export class GatewayError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }

  /** True when a fresh token may help (missing, expired or rejected). */
  get isAuthError(): boolean {
    return /^(Unauthenticated|Authentication failed):/.test(this.message);
  }
}

/**
 * Asks the control plane for a gateway token covering `prefixes` (it keeps those the user may read) — the
 * `gateway_auth_token` RPC, through the user's own Supabase client.
 */
export async function fetchGatewayAuth(
  client: SupabaseClient,
  prefixes: readonly string[],
): Promise<GatewayAuth> {
  const result = await client.rpc('gateway_auth_token', { prefixes: [...prefixes] });
  if (result.error) throw new ApiError(result.error);
  const rows = result.data as { token: string; gateway_url: string }[] | null;
  const row = rows?.[0];
  if (!row) throw new Error('gateway_auth_token returned no token: no gateway key or endpoint is configured');
  const claims = decodeClaims(row.token);
  return {
    token: row.token,
    gatewayUrl: row.gateway_url.endsWith('/') ? row.gateway_url : `${row.gateway_url}/`,
    prefixes: claims.prefixes,
    expiresAt: claims.exp * 1000,
  };
}

/** Whether a token is still good for a while and grants every one of `names`. */
export function authCovers(auth: GatewayAuth, names: readonly string[], now: number): boolean {
  return auth.expiresAt - now > 60_000 && names.every((n) => auth.prefixes.some((p) => n.startsWith(p)));
}

/** `POST /v1/shards/list`. */
export async function listShards(auth: GatewayAuth, selector: LabelSelector): Promise<Shard[]> {
  const body = (await call(auth, 'v1/shards/list', { selector })) as { shards?: Shard[] };
  return body.shards ?? [];
}

/** `POST /v1/journals/list`. */
export async function listJournals(auth: GatewayAuth, selector: LabelSelector): Promise<JournalSpec[]> {
  const body = (await call(auth, 'v1/journals/list', { selector })) as {
    journals?: { spec: JournalSpec }[];
  };
  return (body.journals ?? []).map((j) => j.spec);
}

/** `POST /v1/journals/read` without blocking: every response up to `endOffset` (or the write head). */
export async function readJournal(
  auth: GatewayAuth,
  request: { journal: string; offset: number; endOffset?: number; metadataOnly?: boolean },
): Promise<ReadResponse[]> {
  const text = await send(auth, 'v1/journals/read', { ...request, block: false });
  const responses: ReadResponse[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const item = JSON.parse(line) as { result?: ReadResponse; error?: { message?: string } };
    if (item.error) throw new GatewayError(item.error.message ?? 'journal read failed', 200);
    if (item.result) responses.push(item.result);
  }
  return responses;
}

/** The value of a label, if the spec has it. */
export function labelValue(
  spec: { labels?: { labels?: readonly Label[] } },
  name: string,
): string | undefined {
  return spec.labels?.labels?.find((l) => l.name === name)?.value;
}

async function call(auth: GatewayAuth, path: string, body: unknown): Promise<unknown> {
  return JSON.parse(await send(auth, path, body)) as unknown;
}

async function send(auth: GatewayAuth, path: string, body: unknown): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${auth.gatewayUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${auth.token}` },
      body: JSON.stringify(body),
    });
  } catch (error: unknown) {
    throw new GatewayUnreachableError(
      `the data-plane gateway at ${auth.gatewayUrl} is not reachable (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const text = await response.text();
  if (!response.ok) throw new GatewayError(errorMessage(text, response.status), response.status);
  return text;
}

/** grpc-gateway errors: `{error, code, message}`, or a stream's `{"error": {message}}` line. */
function errorMessage(text: string, status: number): string {
  try {
    const body = JSON.parse(text.split('\n')[0] ?? '') as {
      message?: string;
      error?: string | { message?: string };
    };
    const message = body.message ?? (typeof body.error === 'object' ? body.error.message : body.error);
    if (message) return message;
  } catch {
    // Not JSON: fall through to the status.
  }
  return `the gateway answered HTTP ${status}`;
}

/** Bytes of base64 or base64url text (atob gives one char per byte; names may be any Unicode letters). */
export function base64Bytes(text: string): Uint8Array {
  const plain = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(plain.padEnd(Math.ceil(plain.length / 4) * 4, '='));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function decodeClaims(token: string): { exp: number; prefixes: string[] } {
  const json = new TextDecoder().decode(base64Bytes(token.split('.')[1] ?? ''));
  const claims = JSON.parse(json) as { exp?: unknown; prefixes?: unknown };
  return {
    exp: typeof claims.exp === 'number' ? claims.exp : 0,
    prefixes: Array.isArray(claims.prefixes) ? claims.prefixes.map(String) : [],
  };
}
