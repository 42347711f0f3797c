import { createClient, type SupabaseClient } from '@supabase/supabase-js';

import { startApiServer, type ApiServer, type ApiServerOptions } from '../../main/supabase-api/api-server.js';
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

/** Starts Postgres, a seeded database, and the API server on free ports (`options` override the defaults). */
export async function startApiTestEnv(options: Partial<ApiServerOptions> = {}): Promise<ApiTestEnv> {
  const cluster = await startTestCluster();
  const db = await cluster.createDatabase();
  const server = await startApiServer({
    port: 0,
    mailboxPort: 0,
    dbPort: cluster.port,
    database: db.name,
    jwtSecret: JWT_SECRET,
    mailboxDir: null,
    ...options,
  });
  const anonKey = await signApiKey(JWT_SECRET, 'anon');
  const serviceKey = await signApiKey(JWT_SECRET, 'service_role');
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
    client,
    async signedIn(email) {
      const c = client();
      const { error } = await c.auth.signInWithPassword({ email, password: 'password' });
      if (error) throw error;
      return c;
    },
    async stop() {
      await server.close();
      await db.drop();
      await cluster.stop();
    },
  };
}
