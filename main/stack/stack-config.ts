import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { parse } from 'smol-toml';

import { dataDirLayout, type DataDirLayout, defaultDataDir } from './data-dir.js';
import { SUPABASE_DIR } from './project-paths.js';
import { readSettings } from './settings-store.js';

/** The ports of the stack, named as in supabase/config.toml, plus the Flow data plane's. */
export interface StackPorts {
  readonly api: number;
  readonly db: number;
  readonly studio: number;
  readonly inbucket: number;
  /** temp-data-plane's broker (gazette) and consumer (Flow reactor); used only when Flow binaries are found. */
  readonly broker: number;
  readonly consumer: number;
  /** data-plane-gateway; used only when its binary is found. */
  readonly gateway: number;
}

/** Everything that identifies one stack: where its data lives, its ports, its SQL. */
export interface StackConfig {
  readonly layout: DataDirLayout;
  readonly ports: StackPorts;
  readonly supabaseDir: string;
  /** How many agent processes to run. */
  readonly agentCount: number;
  /** A folder with Flow binaries (flowctl-go, ...), when configured. */
  readonly flowBinDir: string | null;
}

/** Options a user can pass (CLI flags); unset ones fall back to environment, then config.toml. */
export interface StackOptions {
  readonly dataDir?: string;
  readonly ports?: Partial<StackPorts>;
  readonly supabaseDir?: string;
  readonly agentCount?: number;
  readonly flowBinDir?: string;
}

const PORT_ENV: Readonly<Record<keyof StackPorts, string>> = {
  api: 'FLOW_DESKTOP_API_PORT',
  db: 'FLOW_DESKTOP_DB_PORT',
  studio: 'FLOW_DESKTOP_UI_PORT',
  inbucket: 'FLOW_DESKTOP_MAILBOX_PORT',
  broker: 'FLOW_DESKTOP_BROKER_PORT',
  consumer: 'FLOW_DESKTOP_CONSUMER_PORT',
  gateway: 'FLOW_DESKTOP_GATEWAY_PORT',
};

// The data plane's are those of the original local setup: temp-data-plane's defaults and the gateway's.
const FALLBACK_PORTS: StackPorts = {
  api: 5431,
  db: 5432,
  studio: 5433,
  inbucket: 5434,
  broker: 8080,
  consumer: 9000,
  gateway: 28318,
};

/**
 * Resolves the stack configuration. Ports come from flags, then FLOW_DESKTOP_* environment, then the saved
 * settings of the data directory (settings.json, written by the GUI), then the ports it last ran with (sticky, so later commands find the stack without repeating flags),
 * then supabase/config.toml.
 */
export function resolveStackConfig(
  options: StackOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): StackConfig {
  const supabaseDir = path.resolve(options.supabaseDir ?? env.FLOW_DESKTOP_SUPABASE_DIR ?? SUPABASE_DIR);
  const layout = dataDirLayout(options.dataDir ?? defaultDataDir(env));
  const fromToml = readConfigTomlPorts(path.join(supabaseDir, 'config.toml'));
  const lastUsed = readLastUsedPorts(layout.stackFile);
  const settings = readSettings(layout.settingsFile);
  const saved: Partial<StackPorts> = {
    ...(settings.apiPort !== undefined ? { api: settings.apiPort } : {}),
    ...(settings.dbPort !== undefined ? { db: settings.dbPort } : {}),
    ...(settings.uiPort !== undefined ? { studio: settings.uiPort } : {}),
    ...(settings.mailboxPort !== undefined ? { inbucket: settings.mailboxPort } : {}),
  };
  const port = (key: keyof StackPorts): number => {
    const flag = options.ports?.[key];
    if (flag !== undefined)
      return checkPort(flag, `--${key === 'studio' ? 'ui' : key === 'inbucket' ? 'mailbox' : key}-port`);
    const envValue = env[PORT_ENV[key]];
    if (envValue) return checkPort(Number(envValue), PORT_ENV[key]);
    return saved[key] ?? lastUsed[key] ?? fromToml[key] ?? FALLBACK_PORTS[key];
  };
  return {
    layout,
    ports: {
      api: port('api'),
      db: port('db'),
      studio: port('studio'),
      inbucket: port('inbucket'),
      broker: port('broker'),
      consumer: port('consumer'),
      gateway: port('gateway'),
    },
    supabaseDir,
    agentCount: resolveAgentCount(options.agentCount ?? settings.agentCount, env.FLOW_DESKTOP_AGENTS),
    flowBinDir: options.flowBinDir ?? env.FLOW_DESKTOP_BIN_DIR ?? settings.flowBinDir ?? null,
  };
}

/** Reads `[api] port`, `[db] port`, `[studio] port` and `[inbucket] port` from a Supabase CLI config. */
export function readConfigTomlPorts(file: string): Partial<StackPorts> {
  if (!existsSync(file)) return {};
  const doc = parse(readFileSync(file, 'utf8'));
  const section = (name: string): number | undefined => {
    const value = (doc[name] as { port?: unknown } | undefined)?.port;
    return typeof value === 'number' ? checkPort(value, `[${name}] port in ${file}`) : undefined;
  };
  const result: { -readonly [K in keyof StackPorts]?: number } = {};
  const api = section('api');
  const db = section('db');
  const studio = section('studio');
  const inbucket = section('inbucket');
  if (api !== undefined) result.api = api;
  if (db !== undefined) result.db = db;
  if (studio !== undefined) result.studio = studio;
  if (inbucket !== undefined) result.inbucket = inbucket;
  return result;
}

function resolveAgentCount(flag: number | undefined, fromEnv: string | undefined): number {
  const value = flag ?? (fromEnv ? Number(fromEnv) : 2);
  if (!Number.isInteger(value) || value < 0 || value > 16) {
    throw new Error(`the agent count must be a whole number from 0 to 16, not "${value}"`);
  }
  return value;
}

/** Remembers the ports a data directory runs with. */
export function saveLastUsedPorts(file: string, ports: Partial<StackPorts>): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ ports }, null, 2));
}

function readLastUsedPorts(file: string): Partial<StackPorts> {
  if (!existsSync(file)) return {};
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { ports?: Partial<StackPorts> };
    return parsed.ports ?? {};
  } catch {
    return {};
  }
}

function checkPort(value: number, source: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${source} must be a port number between 1 and 65535, not "${value}"`);
  }
  return value;
}
