import path from 'node:path';

import { bundledNodeCommand } from '../../process/service-bundle.js';
import type { StackServiceContext } from '../../stack/stack-services.js';
import { databaseReadiness, DEFAULT_RESTART, type ServiceSpec } from '../../supervisor/service-spec.js';

/** The child-process entry of the API server. */
const ENTRY = path.join(import.meta.dirname, '..', '..', 'supabase-api', 'main.ts');

/**
 * The Supabase-compatible API: REST (/rest/v1), Auth (/auth/v1) and, in the same process, the mailbox on
 * the Inbucket port. It starts once the migrations are done and connects as authenticator and
 * supabase_auth_admin, as PostgREST and GoTrue do.
 */
export function apiServices(ctx: StackServiceContext): ServiceSpec[] {
  const { ports, layout } = ctx.config;
  return [
    {
      name: 'supabase-api',
      // Two ports: the card's Port is the API's, so the mailbox's must be spelled out with its own address.
      description: `REST (/rest/v1) and Auth (/auth/v1) at http://127.0.0.1:${ports.api}. Mailbox (the e-mails Auth sends) on its own port: http://127.0.0.1:${ports.inbucket}.`,
      kind: 'daemon',
      dependsOn: [{ service: 'migrate', condition: 'completed' }],
      port: ports.api,
      portFlag: '--api-port',
      extraPorts: [{ what: 'mailbox', port: ports.inbucket, flag: '--mailbox-port' }],
      url: `http://127.0.0.1:${ports.api}`,
      launch: {
        type: 'process',
        command: () =>
          bundledNodeCommand(ENTRY, 'supabase-api', [], {
            SUPABASE_API_PORT: String(ports.api),
            SUPABASE_API_MAILBOX_PORT: String(ports.inbucket),
            SUPABASE_API_DB_PORT: String(ports.db),
            SUPABASE_API_DATABASE: ctx.db.database,
            SUPABASE_API_JWT_SECRET: ctx.secrets.jwtSecret,
            SUPABASE_API_DATA_DIR: layout.root,
            SUPABASE_API_SUPABASE_DIR: ctx.config.supabaseDir,
            // Auth may redirect back to the GUI the stack serves (magic links, external sign-in).
            SUPABASE_API_GUI_URL: `http://127.0.0.1:${ports.studio}`,
          }),
      },
      probe: {
        check: { kind: 'http', url: `http://127.0.0.1:${ports.api}/auth/v1/health` },
        intervalMs: 5000,
        // A refused connection costs next to nothing: poll often while it starts, it is ready sooner.
        startIntervalMs: 25,
        timeoutMs: 2000,
        failureThreshold: 3,
      },
      readiness: databaseReadiness(ctx.db.owner),
      startGracePeriodMs: 5000,
      startTimeoutMs: 30_000,
      restart: DEFAULT_RESTART,
      stop: { signal: 'SIGTERM', timeoutMs: 5000 },
    },
  ];
}
