import type { Command } from 'commander';

import { resolveStackConfig, type StackConfig } from '../stack/stack-config.js';

/** The options every stack command takes. */
export interface StackFlags {
  readonly dataDir?: string;
  readonly dbPort?: string;
  readonly apiPort?: string;
  readonly uiPort?: string;
  readonly mailboxPort?: string;
  readonly brokerPort?: string;
  readonly consumerPort?: string;
  readonly gatewayPort?: string;
  readonly agents?: string;
  readonly binDir?: string;
  readonly json?: boolean;
}

/** Adds --data-dir, the port flags and --json to a command. */
export function withStackFlags(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'data directory (default: FLOW_DESKTOP_HOME or the OS app-data folder)')
    .option('--db-port <port>', 'Postgres port (default from supabase/config.toml: 5432)')
    .option('--api-port <port>', 'Supabase API port (default 5431)')
    .option('--ui-port <port>', 'web UI port (default 5433)')
    .option('--mailbox-port <port>', 'mailbox port (default 5434)')
    .option('--broker-port <port>', 'temp-data-plane broker port (default 8080; with Flow binaries)')
    .option('--consumer-port <port>', 'temp-data-plane consumer port (default 9000; with Flow binaries)')
    .option('--gateway-port <port>', 'data-plane-gateway port (default 28318; with its binary)')
    .option('--agents <n>', 'number of agent processes (default 2, or FLOW_DESKTOP_AGENTS)')
    .option('--bin-dir <dir>', 'folder with the Flow binaries (or FLOW_DESKTOP_BIN_DIR)')
    .option('--json', 'print JSON');
}

/** Resolves flags, environment and config.toml into a stack configuration. */
export function configFromFlags(flags: StackFlags): StackConfig {
  const port = (value: string | undefined): number | undefined =>
    value === undefined ? undefined : Number(value);
  const ports = {
    ...(flags.dbPort !== undefined ? { db: port(flags.dbPort) } : {}),
    ...(flags.apiPort !== undefined ? { api: port(flags.apiPort) } : {}),
    ...(flags.uiPort !== undefined ? { studio: port(flags.uiPort) } : {}),
    ...(flags.mailboxPort !== undefined ? { inbucket: port(flags.mailboxPort) } : {}),
    ...(flags.brokerPort !== undefined ? { broker: port(flags.brokerPort) } : {}),
    ...(flags.consumerPort !== undefined ? { consumer: port(flags.consumerPort) } : {}),
    ...(flags.gatewayPort !== undefined ? { gateway: port(flags.gatewayPort) } : {}),
  } as Partial<Record<'db' | 'api' | 'studio' | 'inbucket' | 'broker' | 'consumer' | 'gateway', number>>;
  return resolveStackConfig({
    ...(flags.dataDir !== undefined ? { dataDir: flags.dataDir } : {}),
    ...(flags.agents !== undefined ? { agentCount: Number(flags.agents) } : {}),
    ...(flags.binDir !== undefined ? { flowBinDir: flags.binDir } : {}),
    ports,
  });
}

/** The same flags as arguments, to pass on to a detached supervisor. */
export function flagsToArgs(flags: StackFlags): string[] {
  const args: string[] = [];
  if (flags.dataDir !== undefined) args.push('--data-dir', flags.dataDir);
  if (flags.dbPort !== undefined) args.push('--db-port', flags.dbPort);
  if (flags.apiPort !== undefined) args.push('--api-port', flags.apiPort);
  if (flags.uiPort !== undefined) args.push('--ui-port', flags.uiPort);
  if (flags.mailboxPort !== undefined) args.push('--mailbox-port', flags.mailboxPort);
  if (flags.brokerPort !== undefined) args.push('--broker-port', flags.brokerPort);
  if (flags.consumerPort !== undefined) args.push('--consumer-port', flags.consumerPort);
  if (flags.gatewayPort !== undefined) args.push('--gateway-port', flags.gatewayPort);
  if (flags.agents !== undefined) args.push('--agents', flags.agents);
  if (flags.binDir !== undefined) args.push('--bin-dir', flags.binDir);
  return args;
}
