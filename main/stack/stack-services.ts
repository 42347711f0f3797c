import { agentServices } from '../services/agent/agent-service.js';
import { apiServices } from '../services/api/api-service.js';
import { functionsServices } from '../services/functions/functions-service.js';
import { type DataPlanePlan, planDataPlane } from '../services/data-plane/data-plane-plan.js';
import { binarySearch, discoverFlowBinaries } from '../services/data-plane/flow-binaries.js';
import { gatewayService } from '../services/data-plane/gateway-service.js';
import { tempDataPlaneService } from '../services/data-plane/temp-data-plane-service.js';
import { databaseUrls, type DatabaseUrls } from '../services/migrate/database-migrator.js';
import { migrateService } from '../services/migrate/migrate-service.js';
import type { PostgresBinaries } from '../services/postgres/postgres-binaries.js';
import { postgresService } from '../services/postgres/postgres-service.js';
import type { PostgresUser } from '../services/postgres/postgres-user.js';
import type { ServiceSpec } from '../supervisor/service-spec.js';
import type { StackSecrets } from './secrets.js';
import type { StackConfig } from './stack-config.js';

/** What every service definition may draw on. */
export interface StackServiceContext {
  readonly config: StackConfig;
  readonly secrets: StackSecrets;
  readonly db: DatabaseUrls;
  readonly pgUser: PostgresUser | null;
  readonly postgresBinaries: PostgresBinaries;
  /** The Flow binaries found (bin dir → resources/bin → PATH) and what of the data plane can run. */
  readonly dataPlane: DataPlanePlan;
}

/** Builds the context for a stack (looking for the Flow binaries once, now). */
export function stackServiceContext(
  config: StackConfig,
  secrets: StackSecrets,
  pgUser: PostgresUser | null,
  postgresBinaries: PostgresBinaries,
): StackServiceContext {
  return {
    config,
    secrets,
    pgUser,
    postgresBinaries,
    db: databaseUrls(config.ports.db, secrets.superuserPassword),
    dataPlane: planDataPlane(config, discoverFlowBinaries(binarySearch(config.flowBinDir))),
  };
}

/**
 * Every service of the local stack, in the product's topology: postgres → migrate → the Supabase API and the
 * agents; the Flow data plane (temp-data-plane → data-plane-gateway) when its binaries are found. Each family
 * of services lives in its own module under main/services/.
 */
export function stackServices(ctx: StackServiceContext): ServiceSpec[] {
  return [
    postgresService({
      pgdata: ctx.config.layout.pgdata,
      port: ctx.config.ports.db,
      binaries: ctx.postgresBinaries,
      user: ctx.pgUser,
      superuserPassword: ctx.secrets.superuserPassword,
    }),
    migrateService(ctx.db, ctx.config.supabaseDir),
    ...apiServices(ctx),
    ...functionsServices(ctx),
    ...agentServices(ctx),
    ...tempDataPlaneService(ctx.dataPlane),
    ...gatewayService(ctx.dataPlane, { db: ctx.db, jwtSecret: ctx.secrets.jwtSecret }),
  ];
}
