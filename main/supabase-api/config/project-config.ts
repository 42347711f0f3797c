import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { parse } from 'smol-toml';

/**
 * The project's `supabase/config.toml` as parsed TOML. Each part of the API reads its own section from it
 * (`[api]`, `[auth]`, `[functions.<name>]`, ...) through a typed reader of its own in this folder, so the file
 * is parsed once and every section keeps the Supabase CLI's key names.
 */
export type ProjectConfigToml = Readonly<Record<string, unknown>>;

/** Reads `<supabaseDir>/config.toml`; a missing file is an empty config (every section takes its defaults). */
export function readProjectConfig(supabaseDir: string | null | undefined): ProjectConfigToml {
  if (!supabaseDir) return {};
  const file = path.join(supabaseDir, 'config.toml');
  if (!existsSync(file)) return {};
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch (error: unknown) {
    throw new Error(`${file} is not valid TOML: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The table at a dotted path (`auth.rate_limit`), or an empty one. */
export function configSection(config: ProjectConfigToml, dotted: string): Readonly<Record<string, unknown>> {
  let node: unknown = config;
  for (const key of dotted.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return {};
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'object' && node !== null && !Array.isArray(node)
    ? (node as Record<string, unknown>)
    : {};
}
