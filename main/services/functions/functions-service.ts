import path from 'node:path';

import { bundledNodeCommand } from '../../process/service-bundle.js';
import type { StackServiceContext } from '../../stack/stack-services.js';
import { edgeRuntimeSettings } from '../../supabase-api/config/functions-section.js';
import { readProjectConfig } from '../../supabase-api/config/project-config.js';
import { DEFAULT_RESTART, type ServiceSpec } from '../../supervisor/service-spec.js';
import { ensureAgeKey } from './age-key-file.js';
import { functionsSocketPath } from './functions-socket.js';

/** The child-process entry of the Edge Functions runtime. */
const ENTRY = path.join(import.meta.dirname, 'runtime', 'main.ts');

/**
 * The Edge Functions runtime: its own process (as the Supabase CLI runs edge-runtime behind Kong), so user code
 * can never take the API down and its output is a log stream of its own. It listens on a socket in the data
 * directory and the API proxies `/functions/v1/*` to it. Functions get SUPABASE_URL and the API keys, and
 * FLOW_SOPS_AGE_RECIPIENT (the public half of the data directory's age key, generated here on first start).
 * Off when config.toml says `[edge_runtime] enabled = false`.
 */
export function functionsServices(ctx: StackServiceContext): ServiceSpec[] {
  if (!edgeRuntimeSettings(readProjectConfig(ctx.config.supabaseDir)).enabled) return [];
  const { ports, layout } = ctx.config;
  const socketPath = functionsSocketPath(layout.root);
  return [
    {
      name: 'edge-functions',
      // It has no port of its own (a socket): the address it is reached at is the API's.
      description: `Edge Functions (supabase/functions), served by the API at http://127.0.0.1:${ports.api}/functions/v1`,
      kind: 'daemon',
      dependsOn: [],
      launch: {
        type: 'process',
        command: async () => {
          const key = await ensureAgeKey(layout.root);
          return bundledNodeCommand(ENTRY, 'edge-functions', [], {
            EDGE_FUNCTIONS_SOCKET: socketPath,
            EDGE_FUNCTIONS_SUPABASE_DIR: ctx.config.supabaseDir,
            EDGE_FUNCTIONS_BUILD_DIR: path.join(layout.root, 'functions', 'build'),
            EDGE_FUNCTIONS_JWT_SECRET: ctx.secrets.jwtSecret,
            EDGE_FUNCTIONS_ENV: JSON.stringify({
              SUPABASE_URL: `http://127.0.0.1:${ports.api}`,
              SUPABASE_ANON_KEY: ctx.secrets.anonKey,
              SUPABASE_SERVICE_ROLE_KEY: ctx.secrets.serviceRoleKey,
              SUPABASE_DB_URL: ctx.db.owner,
              FLOW_SOPS_AGE_RECIPIENT: key.recipient,
            }),
          });
        },
      },
      // No port to probe (a socket): ready when it says it listens; then staying up is its liveness.
      readyLine: /^edge-functions listening on /,
      startGracePeriodMs: 1000,
      startTimeoutMs: 30_000,
      restart: DEFAULT_RESTART,
      stop: { signal: 'SIGTERM', timeoutMs: 5000 },
    },
  ];
}
