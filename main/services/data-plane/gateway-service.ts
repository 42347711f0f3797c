import type { DatabaseUrls } from '../migrate/database-migrator.js';
import { DEFAULT_RESTART, type ServiceSpec } from '../../supervisor/service-spec.js';
import type { DataPlanePlan } from './data-plane-plan.js';
import { gatewayVerificationKey, registerGateway } from './gateway-registration.js';

/**
 * Pages the gateway answers (CORS): any page served from this machine — the app's GUI on its UI port, or a
 * Flow UI run for development (localhost:3000) — and nothing else. Go regexps, anchored.
 */
export const LOOPBACK_ORIGINS = String.raw`^https?://(127\.0\.0\.1|localhost|\[::1\])(:[0-9]+)?$`;

/** What the gateway service needs besides the data plane plan. */
export interface GatewayServiceOptions {
  readonly db: DatabaseUrls;
  readonly jwtSecret: string;
}

/**
 * The `data-plane-gateway` service on port 28318: plain HTTP on loopback (the pre-TLS behaviour the local seed's
 * `http://localhost:28318/` assumes), pointed at temp-data-plane's broker and consumer. Before each start its
 * verification key and URL are written to `internal.gateway_auth_keys` / `internal.gateway_endpoints`, so the
 * tokens `gateway_auth_token()` signs are the ones it accepts. The key goes in through the environment
 * (GATEWAY_VERIFICATION_KEY), not argv, where any local user could read it.
 */
export function gatewayService(plan: DataPlanePlan, options: GatewayServiceOptions): ServiceSpec[] {
  const binary = plan.gateway;
  if (!binary) return [];
  const { broker, consumer, gateway } = plan.ports;
  const url = `http://127.0.0.1:${gateway}/`;
  const key = gatewayVerificationKey(options.jwtSecret);
  const runs = plan.gatewayUrl !== null;
  return [
    {
      name: 'data-plane-gateway',
      description: `data-plane-gateway (shard status and journals for the GUI) on port ${gateway}`,
      kind: 'daemon',
      dependsOn: [
        { service: 'migrate', condition: 'completed' },
        { service: 'temp-data-plane', condition: 'healthy' },
      ],
      ...(runs ? { port: gateway, portFlag: '--gateway-port', url } : {}),
      launch: {
        type: 'process',
        prepare: (ctx) => registerGateway(options.db.admin, { key, url }, ctx.log),
        command: () =>
          Promise.resolve({
            file: binary,
            args: [
              '--port',
              String(gateway),
              // host:port, as the gateway dials them (insecure gRPC); http:// URLs are not understood.
              '--broker-address',
              `127.0.0.1:${broker}`,
              '--consumer-address',
              `127.0.0.1:${consumer}`,
              '--zone',
              'local',
              '--cors-origin',
              LOOPBACK_ORIGINS,
            ],
            env: { GATEWAY_VERIFICATION_KEY: key },
          }),
      },
      probe: {
        check: {
          kind: 'http',
          url: `http://127.0.0.1:${gateway}/healthz`,
          expectStatus: (status) => status === 200,
        },
        intervalMs: 5000,
        startIntervalMs: 100,
        timeoutMs: 2000,
        failureThreshold: 3,
      },
      startGracePeriodMs: 5000,
      // It dials the broker and consumer for up to 30 s before it serves.
      startTimeoutMs: 45_000,
      restart: DEFAULT_RESTART,
      stop: { signal: 'SIGTERM', timeoutMs: 5000 },
    },
  ];
}
