import { existsSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseEnv } from 'node:util';

import { jwtVerify } from 'jose';

import {
  edgeRuntimeSettings,
  FUNCTION_NAME,
  type FunctionSettings,
  functionSettings,
} from '../../../supabase-api/config/functions-section.js';
import { type ProjectConfigToml, readProjectConfig } from '../../../supabase-api/config/project-config.js';
import { stamp } from './function-build.js';
import { FunctionHost, type FunctionResponse } from './function-host.js';
import { functionNotFound, jsonResponse } from './runtime-errors.js';

/** How to run the Edge Functions runtime. */
export interface FunctionsServerOptions {
  /** Unix socket (named pipe on Windows) to listen on. */
  readonly socketPath: string;
  /** The project's supabase/ folder: config.toml and functions/<name>/. */
  readonly supabaseDir: string;
  /** Where compiled functions go (emptied at start). */
  readonly buildDir: string;
  /** Verifies callers' JWTs for functions with verify_jwt. */
  readonly jwtSecret: string;
  /** Every function's environment (SUPABASE_URL, keys, ...); `functions/.env` adds to it. */
  readonly functionEnv: Readonly<Record<string, string>>;
  /** Wall clock limit per request (default 150 s, the hosted request idle timeout). */
  readonly timeoutMs?: number;
  /** Heap limit per function (default 256 MB, as Supabase). */
  readonly memoryLimitMb?: number;
  readonly log: (text: string) => void;
}

/** A running runtime. */
export interface FunctionsServer {
  close(): Promise<void>;
}

/** Largest request body a function gets. */
const MAX_BODY_BYTES = 20 * 1024 * 1024;

/** Headers that belong to one connection, not to the message. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade']);

/**
 * The Edge Functions runtime, as `supabase functions serve` runs edge-runtime: `/<name>/…` runs
 * `supabase/functions/<name>/index.ts` (or its configured entrypoint) with the request, after checking the
 * caller's JWT when the function's `verify_jwt` is on (the default). config.toml is re-read when it changes,
 * and functions are found and compiled per request, so new and edited functions need no restart.
 */
export async function startFunctionsServer(options: FunctionsServerOptions): Promise<FunctionsServer> {
  const { log } = options;
  rmSync(options.buildDir, { recursive: true, force: true });
  const secret = new TextEncoder().encode(options.jwtSecret);
  const envFile = path.join(options.supabaseDir, 'functions', '.env');
  const configFile = path.join(options.supabaseDir, 'config.toml');
  let config: { stamp: string; value: ProjectConfigToml } | null = null;
  const currentConfig = (): ProjectConfigToml => {
    const now = stamp(configFile);
    if (config?.stamp === now) return config.value;
    try {
      config = { stamp: now, value: readProjectConfig(options.supabaseDir) };
    } catch (error: unknown) {
      // Keep serving with the last readable config; say once what is wrong with this one.
      log(`config.toml: ${error instanceof Error ? error.message : String(error)}`);
      config = { stamp: now, value: config?.value ?? {} };
    }
    return config.value;
  };
  const functionEnv = (): Record<string, string> => {
    const fromFile: Record<string, string> = {};
    if (existsSync(envFile)) {
      for (const [key, value] of Object.entries(parseEnv(readFileSync(envFile, 'utf8')))) {
        // As the CLI: the SUPABASE_ names are the platform's.
        if (value !== undefined && !key.startsWith('SUPABASE_')) fromFile[key] = value;
      }
    }
    return { ...fromFile, ...options.functionEnv };
  };
  const hosts = new Map<string, FunctionHost>();
  const hostOf = (name: string): FunctionHost => {
    let host = hosts.get(name);
    if (!host) {
      host = new FunctionHost({
        name,
        buildDir: options.buildDir,
        sourceRoot: options.supabaseDir,
        env: functionEnv,
        extraInputs: [envFile],
        timeoutMs: options.timeoutMs ?? 150_000,
        memoryLimitMb: options.memoryLimitMb ?? 256,
        log,
      });
      hosts.set(name, host);
    }
    return host;
  };

  const respond = async (
    req: http.IncomingMessage,
  ): Promise<{ name: string; response: FunctionResponse }> => {
    const url = new URL(req.url ?? '/', 'http://functions');
    if (url.pathname === '/_internal/health')
      return { name: '-', response: jsonResponse(200, { message: 'ok' }) };
    const name = url.pathname.split('/')[1] ?? '';
    const settings = findFunction(currentConfig(), options.supabaseDir, name, log);
    if (!settings) return { name, response: functionNotFound() };
    if (req.method !== 'OPTIONS' && settings.verifyJwt) {
      const refused = await checkJwt(req.headers.authorization, secret);
      if (refused) return { name, response: refused };
    }
    const body = await readBytes(req);
    if (body === 'too large') return { name, response: jsonResponse(413, { msg: 'Request body too large' }) };
    const headers: [string, string][] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const key = req.rawHeaders[i]!;
      if (!HOP_BY_HOP.has(key.toLowerCase())) headers.push([key, req.rawHeaders[i + 1]!]);
    }
    const host = req.headers.host ?? '127.0.0.1';
    const response = await hostOf(name).handle(settings.entrypoint, {
      method: req.method ?? 'GET',
      url: `http://${host}${url.pathname}${url.search}`,
      headers,
      body: body.length > 0 ? body : null,
    });
    return { name, response };
  };

  const server = http.createServer((req, res) => {
    const began = Date.now();
    respond(req).then(
      ({ name, response }) => {
        const flat: string[] = [];
        for (const [k, v] of response.headers) if (!HOP_BY_HOP.has(k.toLowerCase())) flat.push(k, v);
        const body = response.body ?? new Uint8Array();
        flat.push('Content-Length', String(body.length));
        res.writeHead(response.status, response.statusText || undefined, flat);
        res.end(body);
        if (name !== '-') {
          log(`[${name}] ${req.method} ${req.url} ${response.status} ${Date.now() - began} ms`);
        }
      },
      (error: unknown) => {
        log(`request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        if (res.headersSent) res.destroy();
        else {
          const failed = jsonResponse(500, {
            code: 'Internal Server Error',
            message: 'Request failed due to an internal server error',
          });
          res.writeHead(failed.status, { 'Content-Type': 'application/json' });
          res.end(failed.body);
        }
      },
    );
  });

  if (process.platform !== 'win32' && existsSync(options.socketPath)) unlinkSync(options.socketPath);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (!edgeRuntimeSettings(currentConfig()).enabled) log('[edge_runtime] enabled = false in config.toml');
  return {
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all([...hosts.values()].map((h) => h.close()));
    },
  };
}

/** The settings of a function that exists and is enabled, or null (a 404). */
function findFunction(
  config: ProjectConfigToml,
  supabaseDir: string,
  name: string,
  log: (text: string) => void,
): FunctionSettings | null {
  if (!FUNCTION_NAME.test(name)) return null;
  let settings: FunctionSettings;
  try {
    settings = functionSettings(config, supabaseDir, name);
  } catch (error: unknown) {
    log(`config.toml: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
  return settings.enabled && existsSync(settings.entrypoint) ? settings : null;
}

/** The CLI main worker's JWT check: a Bearer token signed with the project's secret, or its 401. */
async function checkJwt(
  authorization: string | undefined,
  secret: Uint8Array,
): Promise<FunctionResponse | null> {
  if (!authorization) return jsonResponse(401, { msg: 'Error: Missing authorization header' });
  const [scheme, token] = authorization.split(' ');
  if (scheme !== 'Bearer') return jsonResponse(401, { msg: "Error: Auth header is not 'Bearer {token}'" });
  try {
    await jwtVerify(token ?? '', secret);
    return null;
  } catch {
    return jsonResponse(401, { msg: 'Invalid JWT' });
  }
}

async function readBytes(req: http.IncomingMessage): Promise<Uint8Array | 'too large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return 'too large';
    chunks.push(chunk);
  }
  // A copy with a buffer of its own: it is transferred to the worker, and Buffer.concat may share a pool.
  return new Uint8Array(Buffer.concat(chunks));
}
