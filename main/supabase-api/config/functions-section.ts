import path from 'node:path';

import { configSection, type ProjectConfigToml } from './project-config.js';

/** `[edge_runtime]` of config.toml: whether Edge Functions are served at all. */
export interface EdgeRuntimeSettings {
  readonly enabled: boolean;
}

/** `[functions.<name>]` of config.toml, with the Supabase CLI's defaults. */
export interface FunctionSettings {
  /** false: the function is not served (404), as `supabase functions serve` skips it. */
  readonly enabled: boolean;
  /** Require a valid JWT of the project in `Authorization` (default on). */
  readonly verifyJwt: boolean;
  /** The entry module, absolute; default `<supabase dir>/functions/<name>/index.ts`. */
  readonly entrypoint: string;
}

/** A function name as the Supabase CLI accepts it (folders such as `_shared` are not functions). */
export const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Reads `[edge_runtime]`; Edge Functions are on unless `enabled = false`. */
export function edgeRuntimeSettings(config: ProjectConfigToml): EdgeRuntimeSettings {
  const section = configSection(config, 'edge_runtime');
  return { enabled: bool(section.enabled, true, '[edge_runtime] enabled') };
}

/** Reads `[functions.<name>]` (missing keys take the CLI's defaults); wrong types are a one-line error. */
export function functionSettings(
  config: ProjectConfigToml,
  supabaseDir: string,
  name: string,
): FunctionSettings {
  const section = configSection(config, 'functions');
  const own = section[name];
  const table =
    typeof own === 'object' && own !== null && !Array.isArray(own) ? (own as Record<string, unknown>) : {};
  const where = `[functions.${name}]`;
  const entry = table.entrypoint;
  if (entry !== undefined && typeof entry !== 'string') throw new Error(`${where} entrypoint must be a path`);
  return {
    enabled: bool(table.enabled, true, `${where} enabled`),
    verifyJwt: bool(table.verify_jwt, true, `${where} verify_jwt`),
    // The CLI resolves a configured entrypoint against the supabase/ folder that holds config.toml.
    entrypoint: entry
      ? path.resolve(supabaseDir, entry)
      : path.join(supabaseDir, 'functions', name, 'index.ts'),
  };
}

function bool(value: unknown, fallback: boolean, what: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new Error(`${what} in config.toml must be true or false`);
  return value;
}
