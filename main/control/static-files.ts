import { existsSync, readFileSync, statSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * Serves the built GUI from `root`: a file when the path names one inside root, index.html otherwise (the
 * GUI routes on the client). Returns false when there is no build to serve.
 */
export function serveStatic(root: string, pathname: string, res: http.ServerResponse): boolean {
  const index = path.join(root, 'index.html');
  if (!existsSync(index)) return false;
  const decoded = decodeURIComponent(pathname);
  const candidate = path.resolve(root, `.${decoded}`);
  const inside = candidate === root || candidate.startsWith(`${root}${path.sep}`);
  const file = inside && existsSync(candidate) && statSync(candidate).isFile() ? candidate : index;
  const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  res.writeHead(200, {
    'content-type': type,
    'cache-control': file === index ? 'no-store' : 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
    // The GUI talks only to this origin; nothing may frame it.
    'content-security-policy':
      "default-src 'self'; connect-src 'self' http://127.0.0.1:* http://localhost:*; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
  });
  res.end(readFileSync(file));
  return true;
}
