import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** Where the default tenant template lives (shipped in the repository). */
export const DEFAULT_TENANT_TEMPLATE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'templates',
  'tenant-template.json',
);

/** Everything an agent instance needs to know. */
export interface AgentConfig {
  readonly databaseUrl: string;
  /** Folder with flowctl-go and friends; null = control-plane-only mode. */
  readonly binDir: string | null;
  readonly brokerAddress: string;
  readonly consumerAddress: string;
  /**
   * How long an activation waits for a data plane that does not answer yet (the stack starts agents and its
   * data plane side by side); 0 fails at once.
   */
  readonly dataPlaneWaitMs: number;
  readonly connectorNetwork: string;
  readonly accountsEmail: string;
  readonly tenantTemplate: string;
  /** Docker Engine API socket; null when DOCKER_HOST is not a unix socket and the default is absent. */
  readonly dockerSocket: string;
  /** Fallback poll interval when no notification arrives. */
  readonly pollIntervalMs: number;
  /** How long a graceful shutdown waits for running jobs before abandoning them. */
  readonly shutdownTimeoutMs: number;
  /** Name used in logs (agent-1 ...). */
  readonly name: string;
  /** The age key file that sops-encrypted endpoint configs are decrypted with; null: none (they fail). */
  readonly sopsAgeKeyFile: string | null;
  readonly logLevel: 'debug' | 'info' | 'warn';
}

/** Defaults for everything but the database. */
export function defaultConfig(databaseUrl: string, overrides: Partial<AgentConfig> = {}): AgentConfig {
  return {
    databaseUrl,
    binDir: null,
    brokerAddress: 'http://localhost:8080',
    consumerAddress: 'http://localhost:9000',
    dataPlaneWaitMs: 0,
    connectorNetwork: 'host',
    accountsEmail: 'accounts@estuary.dev',
    tenantTemplate: DEFAULT_TENANT_TEMPLATE,
    dockerSocket: dockerSocketFrom(process.env.DOCKER_HOST),
    pollIntervalMs: 3000,
    shutdownTimeoutMs: 20_000,
    name: 'agent',
    sopsAgeKeyFile: null,
    logLevel: 'info',
    ...overrides,
  };
}

/** The unix socket of the Docker Engine API: DOCKER_HOST=unix://... or /var/run/docker.sock. */
export function dockerSocketFrom(dockerHost: string | undefined): string {
  if (dockerHost?.startsWith('unix://')) return dockerHost.slice('unix://'.length);
  return '/var/run/docker.sock';
}

/** Parses the command line (flags win over environment), as the original agent's flags. */
export function parseAgentArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      database: { type: 'string' },
      'bin-dir': { type: 'string' },
      'broker-address': { type: 'string' },
      'consumer-address': { type: 'string' },
      'data-plane-wait-ms': { type: 'string' },
      'connector-network': { type: 'string' },
      'accounts-email': { type: 'string' },
      'tenant-template': { type: 'string' },
      'docker-host': { type: 'string' },
      'poll-interval-ms': { type: 'string' },
      'shutdown-timeout-ms': { type: 'string' },
      name: { type: 'string' },
      'sops-age-key-file': { type: 'string' },
      'log-level': { type: 'string' },
    },
    strict: true,
  });
  const databaseUrl = values.database ?? env.DATABASE_URL;
  if (!databaseUrl) throw new Error('--database (or DATABASE_URL) is required');
  const binDir = values['bin-dir'] ?? env.BIN_DIR ?? null;
  const number = (v: string | undefined, fallback: number, flag: string, min = 1): number => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min)
      throw new Error(`${flag} must be a ${min === 0 ? 'non-negative' : 'positive'} number, not "${v}"`);
    return n;
  };
  const logLevel = values['log-level'] ?? env.LOG_LEVEL ?? 'info';
  if (logLevel !== 'debug' && logLevel !== 'info' && logLevel !== 'warn') {
    throw new Error(`--log-level must be debug, info or warn, not "${logLevel}"`);
  }
  const base = defaultConfig(databaseUrl);
  const template = values['tenant-template'] ?? env.TENANT_TEMPLATE ?? base.tenantTemplate;
  if (!existsSync(template)) throw new Error(`the tenant template ${template} does not exist`);
  return {
    ...base,
    binDir: binDir === '' ? null : binDir,
    brokerAddress: values['broker-address'] ?? env.BROKER_ADDRESS ?? base.brokerAddress,
    consumerAddress: values['consumer-address'] ?? env.CONSUMER_ADDRESS ?? base.consumerAddress,
    dataPlaneWaitMs: number(values['data-plane-wait-ms'], base.dataPlaneWaitMs, '--data-plane-wait-ms', 0),
    connectorNetwork: values['connector-network'] ?? env.CONNECTOR_NETWORK ?? base.connectorNetwork,
    accountsEmail: values['accounts-email'] ?? env.ACCOUNTS_EMAIL ?? base.accountsEmail,
    tenantTemplate: template,
    dockerSocket: dockerSocketFrom(values['docker-host'] ?? env.DOCKER_HOST),
    pollIntervalMs: number(values['poll-interval-ms'], base.pollIntervalMs, '--poll-interval-ms'),
    shutdownTimeoutMs: number(values['shutdown-timeout-ms'], base.shutdownTimeoutMs, '--shutdown-timeout-ms'),
    name: values.name ?? env.AGENT_NAME ?? base.name,
    // SOPS_AGE_KEY_FILE: the variable sops itself reads.
    sopsAgeKeyFile: values['sops-age-key-file'] ?? env.SOPS_AGE_KEY_FILE ?? null,
    logLevel,
  };
}
