// The globals Flow Desktop's Edge Functions runtime provides (main/services/functions/runtime/worker-runtime.ts):
// the part of Deno's and Supabase's edge runtime API that functions use. Everything else is the web platform
// (fetch, Request, Response, crypto, ...); `npm:` imports resolve to Flow Desktop's own node_modules.

declare namespace Deno {
  interface ServeHandlerInfo {
    readonly remoteAddr: { readonly transport: 'tcp'; readonly hostname: string; readonly port: number };
    readonly completed: Promise<void>;
  }
  type ServeHandler = (request: Request, info: ServeHandlerInfo) => Response | Promise<Response>;
  interface HttpServer {
    readonly finished: Promise<void>;
    shutdown(): Promise<void>;
  }
  /** Registers the function's handler (the first call wins); options such as `port` are ignored. */
  function serve(handler: ServeHandler): HttpServer;
  function serve(options: Record<string, unknown>, handler: ServeHandler): HttpServer;
  function serve(options: { handler: ServeHandler } & Record<string, unknown>): HttpServer;

  /** The function's environment: SUPABASE_URL, SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY, SUPABASE_DB_URL,
   * FLOW_SOPS_AGE_RECIPIENT, and what supabase/functions/.env adds. */
  const env: {
    get(key: string): string | undefined;
    set(key: string, value: string): void;
    delete(key: string): void;
    has(key: string): boolean;
    toObject(): Record<string, string>;
  };
}

declare const EdgeRuntime: {
  /** Lets work finish after the response has been sent. */
  waitUntil(promise: Promise<unknown>): void;
};
