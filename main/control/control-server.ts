import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';

import type { ControlRoute, ControlRoutes, SessionInfo } from '../../shared/control-api.js';
import { CONTROL_ROUTES, EVENTS_PATH, SESSION_PATH } from '../../shared/control-api.js';
import type { StackEvent } from '../../shared/stack-events.js';
import { GuiSessions } from './gui-sessions.js';
import type { SessionCodes } from './session-codes.js';
import { serveStatic } from './static-files.js';

/** What the server does for each route; a thrown `ControlRequestError` becomes its HTTP status. */
export type ControlHandlers = {
  readonly [R in ControlRoute]: (
    request: ControlRoutes[R]['request'],
  ) => Promise<ControlRoutes[R]['response']>;
} & { readonly onEvent: (listener: (event: StackEvent) => void) => () => void };

/** An error with an HTTP status and a machine-readable code. */
export class ControlRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** More fields of the error body (the running operation of a 409, say). */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** A running control server. */
export interface ControlServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const ROUTES = new Set<string>(CONTROL_ROUTES);

/** How to serve: the per-run token, the port, and (headless mode) the GUI. */
export interface ControlServerOptions {
  readonly token: string;
  /** 0 for any free port. */
  readonly port?: number;
  /** Serve the built GUI from this folder, with UI links redeemed through `codes`. */
  readonly ui?: { readonly root: string; readonly codes: SessionCodes };
}

/**
 * Serves the control API (and in headless mode the GUI) on 127.0.0.1. Every request needs the bearer token, or
 * (headless mode) the GUI's session cookie from the GUI's own pages; requests whose Host is not this loopback
 * address, or that carry a foreign Origin, are refused (DNS rebinding, drive-by pages).
 */
export async function startControlServer(
  handlers: ControlHandlers,
  options: ControlServerOptions,
): Promise<ControlServer> {
  const { token, port = 0, ui } = options;
  const sockets = new Set<Socket>();
  let boundPort = port;
  let sessions: GuiSessions | null = null;
  const server = http.createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      const status = error instanceof ControlRequestError ? error.status : 500;
      const code = error instanceof ControlRequestError ? error.code : 'internal';
      // The rest of an oversized body is never read: the connection cannot be reused for another request.
      if (status === 413 && !res.headersSent) res.setHeader('connection', 'close');
      const details = error instanceof ControlRequestError ? error.details : {};
      sendJson(res, status, {
        error: { ...details, code, message: error instanceof Error ? error.message : String(error) },
      });
    });
  });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const allowedHosts = [`127.0.0.1:${boundPort}`, `localhost:${boundPort}`];
    if (!allowedHosts.includes(req.headers.host ?? '')) {
      throw new ControlRequestError(403, 'forbidden_host', 'requests must address 127.0.0.1 directly');
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedHosts.some((h) => origin === `http://${h}`)) {
      throw new ControlRequestError(403, 'forbidden_origin', `origin ${origin} may not use the control API`);
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (ui && sessions && url.pathname === SESSION_PATH) {
      await handleSession(req, res, ui.codes, sessions);
      return;
    }
    if (ui && req.method === 'GET' && !url.pathname.startsWith('/v1/')) {
      if (serveStatic(ui.root, url.pathname, res)) return;
      throw new ControlRequestError(404, 'no_gui', 'the GUI is not built; run `npm run build`');
    }
    const byToken = tokenMatches(req.headers.authorization, token);
    if (!byToken && !sessions?.authorizes(req)) {
      throw new ControlRequestError(401, 'unauthorized', 'missing or wrong bearer token');
    }
    if (req.method === 'GET' && url.pathname === EVENTS_PATH) {
      streamEvents(res, handlers.onEvent);
      // A browser's stream ends with its session, so its tabs learn at once that they were signed out.
      if (!byToken && sessions)
        res.once(
          'close',
          sessions.onEnd(req, () => res.end()),
        );
      return;
    }
    const route = `${req.method ?? 'GET'} ${url.pathname}`;
    if (!ROUTES.has(route)) throw new ControlRequestError(404, 'not_found', `no route ${route}`);
    const request = req.method === 'GET' ? queryObject(url) : await readJson(req);
    const handler = handlers[route as ControlRoute] as (r: unknown) => Promise<unknown>;
    sendJson(res, 200, await handler(request));
  };

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  boundPort = typeof address === 'object' && address ? address.port : port;
  if (ui) sessions = new GuiSessions(boundPort);
  return {
    url: `http://127.0.0.1:${boundPort}`,
    port: boundPort,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The session route: trade a one-time code for the cookie (POST), ask (GET), sign out (DELETE). */
async function handleSession(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  codes: SessionCodes,
  sessions: GuiSessions,
): Promise<void> {
  if (req.method === 'GET') {
    sendJson(res, 200, { signedIn: sessions.authorizes(req) } satisfies SessionInfo);
    return;
  }
  if (req.method === 'DELETE') {
    sendJson(res, 200, { signedIn: false } satisfies SessionInfo, { 'set-cookie': sessions.end(req) });
    return;
  }
  if (req.method !== 'POST')
    throw new ControlRequestError(405, 'method', `${req.method ?? ''} ${SESSION_PATH}`);
  const body = (await readJson(req)) as { code?: unknown };
  if (typeof body.code !== 'string' || !codes.redeem(body.code)) {
    throw new ControlRequestError(
      401,
      'invalid_code',
      'This sign-in link has expired or was already used. Run `flow-desktop status` for a new one.',
    );
  }
  sendJson(res, 200, { signedIn: true } satisfies SessionInfo, { 'set-cookie': sessions.create() });
}

function streamEvents(res: http.ServerResponse, subscribe: ControlHandlers['onEvent']): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  res.write(': connected\n\n');
  const unsubscribe = subscribe((event) => res.write(`event: stack\ndata: ${JSON.stringify(event)}\n\n`));
  const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
  res.once('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^bearer\s+(.+)$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function queryObject(url: URL): Record<string, string | number> {
  const result: Record<string, string | number> = {};
  for (const [key, value] of url.searchParams) result[key] = key === 'n' ? Number(value) : value;
  return result;
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1024 * 1024) throw new ControlRequestError(413, 'too_large', 'request body over 1 MiB');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ControlRequestError(400, 'bad_json', 'request body is not JSON');
  }
}

function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(text);
}
