import { configSection, type ProjectConfigToml } from './project-config.js';

/** The `[api]` section of supabase/config.toml, as the REST API uses it (the Supabase CLI's keys). */
export interface ApiSection {
  /** `schemas`: the schemas REST exposes; the first is the default profile. */
  readonly schemas: readonly string[];
  /** `extra_search_path`: schemas put on every request's search_path after the requested one. */
  readonly extraSearchPath: readonly string[];
  /** `max_rows`: the most rows a response returns. */
  readonly maxRows: number;
}

/** The Supabase CLI's defaults for `[api]`. */
export const API_DEFAULTS: ApiSection = {
  schemas: ['public', 'graphql_public'],
  extraSearchPath: ['public', 'extensions'],
  maxRows: 1000,
};

function nameList(value: unknown, key: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.trim() !== '')) {
    throw new Error(`supabase/config.toml: [api] ${key} must be a list of schema names, e.g. ["public"]`);
  }
  return value.map((v: string) => v.trim());
}

/**
 * Reads `[api]` from the parsed config.toml: `schemas`, `extra_search_path`, `max_rows`, each defaulting as
 * the Supabase CLI does. A value of the wrong shape is an error that names the key.
 */
export function readApiSection(config: ProjectConfigToml): ApiSection {
  const api = configSection(config, 'api');
  const schemas = api.schemas === undefined ? API_DEFAULTS.schemas : nameList(api.schemas, 'schemas');
  if (schemas.length === 0)
    throw new Error('supabase/config.toml: [api] schemas must name at least one schema');
  const extraSearchPath =
    api.extra_search_path === undefined
      ? API_DEFAULTS.extraSearchPath
      : nameList(api.extra_search_path, 'extra_search_path');
  let maxRows = API_DEFAULTS.maxRows;
  if (api.max_rows !== undefined) {
    const n = typeof api.max_rows === 'bigint' ? Number(api.max_rows) : api.max_rows;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) {
      throw new Error('supabase/config.toml: [api] max_rows must be a positive whole number, e.g. 1000');
    }
    maxRows = n;
  }
  return { schemas, extraSearchPath, maxRows };
}
