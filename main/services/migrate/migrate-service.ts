import { NO_RESTART, type ServiceSpec } from '../../supervisor/service-spec.js';
import { type DatabaseUrls, migrateDatabase } from './database-migrator.js';

/**
 * The one-shot `migrate` service: the embedded Supabase bootstrap, supabase/migrations and the seed. It runs
 * in the supervisor's process (no Node start-up cost on every `up`) and completes.
 */
export function migrateService(urls: DatabaseUrls, supabaseDir: string): ServiceSpec {
  return {
    name: 'migrate',
    description: 'Supabase bootstrap, migrations and seed',
    kind: 'oneshot',
    dependsOn: [{ service: 'postgres', condition: 'healthy' }],
    launch: {
      type: 'task',
      run: async (ctx) => {
        await migrateDatabase(urls, supabaseDir, ctx.log);
      },
    },
    startGracePeriodMs: 0,
    startTimeoutMs: 300_000,
    restart: NO_RESTART,
    stop: { signal: 'SIGTERM', timeoutMs: 30_000 },
  };
}
