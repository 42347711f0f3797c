import http from 'node:http';

import { header, sendJson } from '../http/http-io.js';

/** Where /functions/v1 goes: the Edge Functions runtime's socket, or nowhere (edge runtime disabled). */
export interface FunctionsRoute {
  readonly socketPath: string;
}

/** Headers of one connection, not of the message. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
]);

/**
 * Proxies `/functions/v1/<path>` to the Edge Functions runtime as `/<path>`, streaming both ways, as Kong's
 * functions-v1 route does: the path prefix is stripped, a request with only an `apikey` JWT gets it as its
 * `Authorization` (Kong's request-transformer), and the API's CORS headers win over the function's. When the
 * runtime does not answer, Kong's 502.
 */
export function proxyToFunctions(
  route: FunctionsRoute,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  pathAndQuery: string,
  log: (text: string) => void,
): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(key)) headers[key] = value;
  }
  const apikey = header(req, 'apikey');
  if (headers.authorization === undefined && apikey && !apikey.startsWith('sb_')) {
    headers.authorization = `Bearer ${apikey}`;
  }
  return new Promise((resolve) => {
    const upstream = http.request(
      { socketPath: route.socketPath, path: pathAndQuery, method: req.method, headers },
      (answer) => {
        const corsSet = res.hasHeader('access-control-allow-origin');
        const out: string[] = [];
        for (let i = 0; i < answer.rawHeaders.length; i += 2) {
          const key = answer.rawHeaders[i]!;
          const lower = key.toLowerCase();
          if (HOP_BY_HOP.has(lower)) continue;
          if (
            corsSet &&
            (lower === 'access-control-allow-origin' || lower === 'access-control-expose-headers')
          )
            continue;
          out.push(key, answer.rawHeaders[i + 1]!);
        }
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, out);
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', () => {
          res.destroy();
          resolve();
        });
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      log(`functions: the Edge Functions runtime did not answer (${error.code ?? error.message})`);
      if (res.headersSent) res.destroy();
      else sendJson(res, 502, { message: 'An invalid response was received from the upstream server' });
      resolve();
    });
    req.pipe(upstream);
  });
}
