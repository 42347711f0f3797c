// Runs inside a function's worker thread, bundled in front of the function's own code: it installs the
// globals a Supabase Edge Function expects (Deno.serve, Deno.env, EdgeRuntime.waitUntil) and answers the
// runtime's requests with the registered handler. Importing this module first makes the globals exist before
// the function's module body runs.
import { parentPort, workerData } from 'node:worker_threads';

import type { WorkerBoot, WorkerMessage, WorkerRequest } from './worker-protocol.js';

/** A fetch-style handler, as Deno.serve takes it. */
type Handler = (request: Request, info: ServeInfo) => Response | Promise<Response>;

interface ServeInfo {
  readonly remoteAddr: { readonly transport: 'tcp'; readonly hostname: string; readonly port: number };
  readonly completed: Promise<void>;
}

const port = parentPort;
if (!port) throw new Error('the Edge Functions worker runtime runs only in a worker thread');
const boot = workerData as WorkerBoot;
let handler: Handler | null = null;
let serveError: string | null = null;

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

/** Deno.serve(handler) | Deno.serve(options, handler) | Deno.serve({ handler, ... }): keeps the first handler. */
function serve(first: unknown, second?: unknown): unknown {
  const candidate =
    typeof first === 'function'
      ? first
      : typeof second === 'function'
        ? second
        : (first as { handler?: unknown } | undefined)?.handler;
  if (typeof candidate !== 'function') {
    serveError = 'Deno.serve was called without a handler function';
  } else if (handler) {
    console.warn(`[${boot.name}] Deno.serve was called more than once: the first handler answers`);
  } else {
    handler = candidate as Handler;
  }
  const finished = new Promise<void>(() => undefined);
  return {
    finished,
    addr: { transport: 'tcp', hostname: '127.0.0.1', port: 0 },
    shutdown: () => Promise.resolve(),
    ref: () => undefined,
    unref: () => undefined,
  };
}

const env = {
  get: (key: string): string | undefined => process.env[key],
  set: (key: string, value: string): void => {
    process.env[key] = value;
  },
  delete: (key: string): void => {
    delete process.env[key];
  },
  has: (key: string): boolean => key in process.env,
  toObject: (): Record<string, string> =>
    Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
};

const background = new Set<Promise<unknown>>();
Object.assign(globalThis, {
  Deno: { serve, env },
  EdgeRuntime: {
    /** Keeps work going after the response (it runs to completion here; nothing is cut short). */
    waitUntil: (promise: Promise<unknown>): void => {
      const tracked = Promise.resolve(promise).catch((e: unknown) =>
        console.error(`[${boot.name}] a waitUntil promise failed:`, e),
      );
      background.add(tracked);
      void tracked.finally(() => background.delete(tracked));
    },
  },
});

/** Called by the bundle's entry once the function's module has run, with its default export. */
export function functionLoaded(defaultExport: unknown): void {
  if (!handler) {
    if (typeof defaultExport === 'function') handler = defaultExport as Handler;
    else if (typeof (defaultExport as { fetch?: unknown } | undefined)?.fetch === 'function') {
      const withFetch = defaultExport as { fetch: Handler };
      handler = (request, info) => withFetch.fetch(request, info);
    }
  }
  if (serveError) post({ type: 'boot-error', message: serveError });
  else if (!handler) {
    post({
      type: 'boot-error',
      message: 'the function neither called Deno.serve(handler) nor exported a default handler',
    });
  } else post({ type: 'ready' });
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
}

async function answer(request: WorkerRequest): Promise<void> {
  try {
    const withBody = request.body !== null && request.method !== 'GET' && request.method !== 'HEAD';
    const req = new Request(request.url, {
      method: request.method,
      headers: request.headers.map(([k, v]) => [k, v]),
      ...(withBody ? { body: request.body, duplex: 'half' } : {}),
    });
    const info: ServeInfo = {
      remoteAddr: { transport: 'tcp', hostname: '127.0.0.1', port: 0 },
      completed: Promise.resolve(),
    };
    const response: unknown = await handler!(req, info);
    if (!(response instanceof Response)) {
      post({
        type: 'error',
        id: request.id,
        message: `the handler returned ${typeof response}, not a Response`,
      });
      return;
    }
    const body = response.body === null ? null : new Uint8Array(await response.arrayBuffer());
    post(
      {
        type: 'response',
        id: request.id,
        status: response.status,
        statusText: response.statusText,
        headers: [...response.headers],
        body,
      },
      body ? [body.buffer] : [],
    );
  } catch (error: unknown) {
    post({ type: 'error', id: request.id, message: describe(error) });
  }
}

port.on('message', (message: WorkerRequest) => {
  if (message.type === 'request') void answer(message);
});
