import { createClient, type SupabaseClient } from '@supabase/supabase-js';

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ageKeyFile, ensureAgeKey } from '../../main/services/functions/age-key-file.js';
import { functionsSocketPath } from '../../main/services/functions/functions-socket.js';
import {
  type FunctionsServer,
  startFunctionsServer,
} from '../../main/services/functions/runtime/functions-server.js';
import { startApiServer, type ApiServer, type ApiServerOptions } from '../../main/supabase-api/api-server.js';
import { SUPABASE_DIR } from '../../main/stack/project-paths.js';
import { signApiKey } from '../../main/stack/secrets.js';
import { startTestCluster, type TestCluster, type TestDatabase } from '../support/test-postgres.js';

/** A supabase-js client without generated database types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- no generated database types in tests
export type Client = SupabaseClient<any, any, 'public', any, any>;

/** The realtime transport option of createClient. */
type RealtimeTransport = NonNullable<Parameters<typeof createClient>[2]>['realtime'] extends infer R
  ? R extends { transport?: infer T }
    ? T
    : never
  : never;

/** A test database with the API server in-process in front of it. */
export interface ApiTestEnv {
  readonly cluster: TestCluster;
  readonly db: TestDatabase;
  readonly server: ApiServer;
  readonly secret: string;
  readonly anonKey: string;
  readonly serviceKey: string;
  /** A supabase-js client with the anon key and no session persistence. */
  client(key?: string): Client;
  /** With `functions`: the age identity that encrypt-config's sops documents decrypt with, and its key file. */
  readonly ageIdentity: string | null;
  readonly ageKeyFile: string | null;
  /** A client signed in as a seeded user (password `password`). */
  signedIn(email: string): Promise<Client>;
  stop(): Promise<void>;
}

class UnusedWebSocket {
  constructor() {
    throw new Error('realtime is not served by the embedded API');
  }
}

export const JWT_SECRET = 'test-secret-with-at-least-32-characters-long';

/**
 * Starts Postgres, a seeded database, and the API server on free ports (`options` override the defaults); with
 * `functions`, also the Edge Functions runtime (in this process) with the project's supabase/functions behind
 * /functions/v1, as the stack runs them.
 */
export async function startApiTestEnv(
  options: Partial<ApiServerOptions> & { readonly functions?: boolean } = {},
): Promise<ApiTestEnv> {
  const { functions: withFunctions, ...serverOptions } = options;
  const cluster = await startTestCluster();
  const db = await cluster.createDatabase();
  const dataDir = withFunctions ? mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-api-env-')) : null;
  const functionsSocket = dataDir ? functionsSocketPath(dataDir) : null;
  if (functionsSocket) mkdirSync(path.dirname(functionsSocket), { recursive: true });
  const server = await startApiServer({
    port: 0,
    mailboxPort: 0,
    dbPort: cluster.port,
    database: db.name,
    jwtSecret: JWT_SECRET,
    mailboxDir: null,
    functionsSocket,
    ...serverOptions,
  });
  const anonKey = await signApiKey(JWT_SECRET, 'anon');
  const serviceKey = await signApiKey(JWT_SECRET, 'service_role');
  let functions: FunctionsServer | null = null;
  let ageIdentity: string | null = null;
  if (dataDir && functionsSocket) {
    const key = await ensureAgeKey(dataDir);
    ageIdentity = key.identities[0] ?? null;
    functions = await startFunctionsServer({
      socketPath: functionsSocket,
      supabaseDir: SUPABASE_DIR,
      buildDir: path.join(dataDir, 'functions', 'build'),
      jwtSecret: JWT_SECRET,
      functionEnv: {
        SUPABASE_URL: server.url,
        SUPABASE_ANON_KEY: anonKey,
        SUPABASE_SERVICE_ROLE_KEY: serviceKey,
        FLOW_SOPS_AGE_RECIPIENT: key.recipient,
      },
      log: () => undefined,
    });
  }
  const client = (key = anonKey): Client =>
    createClient(server.url, key, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      // Node 20 has no WebSocket; realtime is out of scope, so it gets a transport that is never used.
      realtime: { transport: UnusedWebSocket as unknown as NonNullable<RealtimeTransport> },
    });
  return {
    cluster,
    db,
    server,
    secret: JWT_SECRET,
    anonKey,
    serviceKey,
    ageIdentity,
    ageKeyFile: dataDir ? ageKeyFile(dataDir) : null,
    client,
    async signedIn(email) {
      const c = client();
      const { error } = await c.auth.signInWithPassword({ email, password: 'password' });
      if (error) throw error;
      return c;
    },
    async stop() {
      await functions?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      await server.close();
      await db.drop();
      await cluster.stop();
    },
  };
}
