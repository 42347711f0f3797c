import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { functionsSocketPath } from '../../main/services/functions/functions-socket.js';
import {
  type FunctionsServer,
  startFunctionsServer,
} from '../../main/services/functions/runtime/functions-server.js';
import { type ApiServer, startApiServer } from '../../main/supabase-api/api-server.js';
import { readProjectConfig } from '../../main/supabase-api/config/project-config.js';
import { freePort } from '../support/free-port.js';

/** The API server with the Edge Functions runtime behind /functions/v1, on a project folder of the test's. */
export interface FunctionsTestEnv {
  readonly root: string;
  readonly supabaseDir: string;
  readonly api: ApiServer;
  /** Everything the runtime logged (its own lines and the functions' output). */
  readonly logs: string[];
  /** The data directory (functions' builds, the age key). */
  readonly dataDir: string;
  /** Writes a file under supabase/ (e.g. `functions/hello/index.ts`). */
  write(file: string, content: string): void;
  /** Calls `/functions/v1/<path>` on the API port. */
  call(pathAndQuery: string, init?: RequestInit): Promise<Response>;
  /** Stops the runtime only (the API stays up). */
  stopRuntime(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of the test environment. */
export interface FunctionsTestOptions {
  /** Files under supabase/, by relative path. */
  readonly files?: Readonly<Record<string, string>>;
  /** Serve this supabase/ folder (the project's own, say) instead of a fresh one. */
  readonly supabaseDir?: string;
  readonly jwtSecret: string;
  /** The database behind the API; by default a closed port (functions tests without REST). */
  readonly db?: { readonly port: number; readonly database: string };
  readonly functionEnv?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/** Starts the runtime (in this process) and the API server on a fresh project folder. */
export async function startFunctionsTestEnv(options: FunctionsTestOptions): Promise<FunctionsTestEnv> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-functions-'));
  const supabaseDir = options.supabaseDir ?? path.join(root, 'supabase');
  const write = (file: string, content: string): void => {
    const full = path.join(supabaseDir, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  };
  for (const [file, content] of Object.entries(options.files ?? {})) write(file, content);
  const logs: string[] = [];
  const dataDir = path.join(root, 'data');
  const socketPath = functionsSocketPath(dataDir);
  mkdirSync(path.dirname(socketPath), { recursive: true });
  const api = await startApiServer({
    port: 0,
    mailboxPort: null,
    dbPort: options.db?.port ?? (await freePort()),
    database: options.db?.database ?? 'postgres',
    jwtSecret: options.jwtSecret,
    mailboxDir: null,
    projectConfig: readProjectConfig(supabaseDir),
    functionsSocket: socketPath,
  });
  let runtime: FunctionsServer | null = await startFunctionsServer({
    socketPath,
    supabaseDir,
    buildDir: path.join(dataDir, 'functions', 'build'),
    jwtSecret: options.jwtSecret,
    functionEnv: { SUPABASE_URL: api.url, ...options.functionEnv },
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    log: (text) => logs.push(text),
  });
  return {
    root,
    dataDir,
    supabaseDir,
    api,
    logs,
    write,
    call: (pathAndQuery, init) => fetch(`${api.url}/functions/v1/${pathAndQuery}`, init),
    async stopRuntime() {
      await runtime?.close();
      runtime = null;
    },
    async stop() {
      await runtime?.close();
      await api.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
