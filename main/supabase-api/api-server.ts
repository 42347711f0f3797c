import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { AuthDeps } from './auth/auth-types.js';
import { ExternalAccounts } from './auth/external/external-accounts.js';
import { OTP_MAX_FAILURES, OtpAttempts } from './auth/otp-attempts.js';
import { PasswordHasher } from './auth/password-hasher.js';
import { FlowStates } from './auth/pkce.js';
import { AuthLimiters } from './auth/rate-limits.js';
import { redirectPolicy } from './auth/redirect-urls.js';
import { SessionIssuer } from './auth/session-issuer.js';
import { SessionStore } from './auth/session-store.js';
import { UserStore } from './auth/user-store.js';
import { readApiSection } from './config/api-section.js';
import { readAuthSection } from './config/auth-section.js';
import type { ProjectConfigToml } from './config/project-config.js';
import { CONNECT_TIMEOUT_MS, createPool } from './db/pool.js';
import { RetryingDb } from './db/retrying-db.js';
import { apiHandler } from './http/api-handler.js';
import { guardListener } from './http/guard.js';
import { JwtCodec } from './http/jwt.js';
import { mailboxHandler } from './mailbox/mailbox-server.js';
import { MailStore } from './mailbox/mail-store.js';
import { SchemaWatcher } from './rest/schema-cache/schema-watcher.js';

/** How to run the API server. */
export interface ApiServerOptions {
  /** API port (0 picks a free one). */
  readonly port: number;
  /** Mailbox port; null to serve no mailbox page (messages are still stored). */
  readonly mailboxPort: number | null;
  readonly dbPort: number;
  readonly database?: string;
  readonly jwtSecret: string;
  /** Where mailbox messages are kept; null keeps them in memory. */
  readonly mailboxDir: string | null;
  /** The URL clients use (links in e-mails); defaults to http://127.0.0.1:<port>. */
  readonly externalUrl?: string;
  /** Overrides config.toml's `[auth] site_url`. */
  readonly siteUrl?: string;
  /** Where the stack serves its GUI (http://127.0.0.1:<ui port>): Auth may redirect there too. */
  readonly guiUrl?: string;
  /** Exposed schemas; default: config.toml [api] schemas. */
  readonly schemas?: readonly string[];
  /** Most rows per response; default: config.toml [api] max_rows. */
  readonly maxRows?: number;
  readonly poolSize?: number;
  /** The project's supabase/config.toml, parsed; each part reads its own section (see config/). */
  readonly projectConfig?: ProjectConfigToml;
  /** The Edge Functions runtime's socket that /functions/v1 is proxied to; none: no /functions/v1 route. */
  readonly functionsSocket?: string | null;
  readonly log?: (text: string) => void;
}

/** A running API server. */
export interface ApiServer {
  readonly port: number;
  readonly mailboxPort: number | null;
  readonly url: string;
  readonly mail: MailStore;
  /** Reloads the schema cache now (it also reloads on NOTIFY pgrst). */
  reloadSchema(): Promise<void>;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Starts the Supabase-compatible API (REST as `authenticator`, Auth as `supabase_auth_admin`) on 127.0.0.1,
 * and the mailbox page on its own port. Resolves once both listen; the schema cache loads in the background
 * (requests get 503 PGRST002 until it is ready) so a restarting database never blocks start-up.
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const log = options.log ?? (() => undefined);
  const database = options.database ?? 'postgres';
  const db = { host: HOST, port: options.dbPort, database, password: 'postgres' };
  // Connections die when the database restarts or is reset: the pools drop them and connect anew, and
  // connection attempts time out (see db/pool.ts).
  const restPool = createPool(
    {
      ...db,
      user: 'authenticator',
      max: options.poolSize ?? 10,
      application_name: 'supabase-api rest',
      // Queries on one client are written as soon as they are issued: the REST executor sends BEGIN, the
      // settings and the first statement (and a read's COMMIT) back to back (see rest/executor.ts). Code
      // that awaits each query before the next is unaffected.
      pipeline: true,
    },
    'rest pool',
    log,
  );
  const authPool = createPool(
    { ...db, user: 'supabase_auth_admin', max: 5, application_name: 'supabase-api auth' },
    'auth pool',
    log,
  );
  const api = readApiSection(options.projectConfig ?? {});
  const schemas = options.schemas ?? api.schemas;
  const watcher = new SchemaWatcher(
    restPool,
    {
      ...db,
      user: 'authenticator',
      application_name: 'supabase-api schema',
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
    },
    schemas,
    api.extraSearchPath,
    log,
  );
  const jwt = new JwtCodec(options.jwtSecret);
  const mail = new MailStore(options.mailboxDir);

  const apiServer = http.createServer();
  const port = await listen(apiServer, options.port);
  const url = options.externalUrl ?? `http://${HOST}:${port}`;
  const authConfig = readAuthSection(options.projectConfig ?? {});
  const siteUrl = options.siteUrl ?? authConfig.siteUrl;
  const guiPatterns = options.guiUrl
    ? [options.guiUrl, `${options.guiUrl}/**`].flatMap((u) => [u, u.replace('//127.0.0.1:', '//localhost:')])
    : [];
  // Auth's SQL survives connections the server ends: dead clients are replaced, and work that cannot
  // have committed runs again on a fresh connection (see db/retrying-db.ts).
  const authDb = new RetryingDb(authPool, 'auth pool', log);
  const users = new UserStore(authDb);
  const auth: AuthDeps = {
    users,
    sessions: new SessionStore(authDb),
    hasher: new PasswordHasher(new RetryingDb(restPool, 'password hasher', log)),
    issuer: new SessionIssuer(jwt, `${url}/auth/v1`, authConfig.jwtExpiry),
    jwt,
    mail,
    externalUrl: url,
    config: { ...authConfig, siteUrl },
    redirects: redirectPolicy(siteUrl, [...authConfig.additionalRedirectUrls, ...guiPatterns]),
    limits: new AuthLimiters(authConfig.rateLimit, authConfig.email.smtpEnabled),
    attempts: new OtpAttempts(OTP_MAX_FAILURES),
    flows: new FlowStates(authDb),
    accounts: new ExternalAccounts(authDb, users),
    log,
  };
  apiServer.on(
    'request',
    apiHandler({
      rest: {
        pool: restPool,
        cache: () => watcher.get(),
        maxRows: options.maxRows ?? api.maxRows,
        extraSearchPath: api.extraSearchPath,
        log,
      },
      auth,
      jwt,
      functions: options.functionsSocket ? { socketPath: options.functionsSocket } : null,
      log,
    }),
  );
  let mailboxServer: http.Server | null = null;
  let mailboxPort: number | null = null;
  if (options.mailboxPort !== null) {
    mailboxServer = http.createServer(guardListener(mailboxHandler(mail), log));
    try {
      mailboxPort = await listen(mailboxServer, options.mailboxPort);
    } catch (error: unknown) {
      await closeServer(apiServer);
      throw error;
    }
  }
  await watcher.start();
  return {
    port,
    mailboxPort,
    url,
    mail,
    reloadSchema: () => watcher.reload(),
    async close() {
      await Promise.all([
        closeServer(apiServer),
        mailboxServer ? closeServer(mailboxServer) : Promise.resolve(),
      ]);
      await watcher.stop();
      await Promise.all([restPool.end(), authPool.end()]);
    },
  };
}
