import type { IncomingMessage, ServerResponse } from 'node:http';

import { header } from './http-io.js';

const EXPOSE = [
  'Content-Encoding',
  'Content-Location',
  'Content-Range',
  'Content-Type',
  'Date',
  'Location',
  'Server',
  'Transfer-Encoding',
  'Range-Unit',
  'Preference-Applied',
  'X-Supabase-Api-Version',
  'X-Total-Count',
  'Link',
].join(', ');

/** Adds PostgREST's CORS headers when the request has an Origin (browsers only). */
export function applyCors(req: IncomingMessage, res: ServerResponse): void {
  if (!header(req, 'origin')) return;
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', EXPOSE);
}

/** Answers a CORS preflight (OPTIONS): any origin, the asked-for headers, cached for a day. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  const asked = header(req, 'access-control-request-headers');
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD');
  res.setHeader('Access-Control-Allow-Headers', asked ? `Authorization, ${asked}` : 'Authorization');
  res.setHeader('Access-Control-Max-Age', '86400');
  res.setHeader('Allow', 'OPTIONS, GET, HEAD, POST, PUT, PATCH, DELETE');
  res.statusCode = 200;
  res.end();
}
