import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body accepted; bigger bodies get 413 before they are buffered. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Thrown when a body is larger than MAX_BODY_BYTES. */
export class BodyTooLargeError extends Error {}

/** Reads a request body as UTF-8 text, bounded by MAX_BODY_BYTES. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends a response with a body (or none) and the given headers. */
export function send(
  res: ServerResponse,
  status: number,
  body: string | null,
  headers: Readonly<Record<string, string>> = {},
): void {
  // writeHead merges these with headers set before (CORS) and skips setHeader's per-call bookkeeping.
  res.writeHead(status, headers);
  res.end(body ?? undefined);
}

/** Sends JSON with the PostgREST/GoTrue content type. */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  send(res, status, JSON.stringify(value), { 'Content-Type': 'application/json; charset=utf-8', ...headers });
}

/** A request header as one string (repeated headers joined with ", "), or undefined. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
