import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body accepted; bigger bodies get 413 before they are buffered. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Thrown when a body is larger than MAX_BODY_BYTES. */
export class BodyTooLargeError extends Error {}

/** Thrown when the client went away before its body was complete (nobody is left to answer). */
export class RequestAbortedError extends Error {}

/**
 * Reads a request body's bytes, bounded by MAX_BODY_BYTES. Past the bound the rest is read and dropped
 * rather than the socket destroyed, so the client still gets the 413 answer instead of a reset connection.
 */
export function readBodyBytes(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(new BodyTooLargeError('request body too large'));
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    req.on('error', () => reject(new RequestAbortedError('request aborted')));
    req.on('close', () => {
      if (!req.complete) reject(new RequestAbortedError('request aborted'));
    });
  });
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
