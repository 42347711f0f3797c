import { readFileSync } from 'node:fs';

const SECTIONS = {
  collections: 'collection',
  captures: 'capture',
  materializations: 'materialization',
  tests: 'test',
} as const;

/**
 * The specs of the tenant template for a tenant (without its slash): every `TENANT` in the serialized template
 * is replaced by the tenant name, as the original agent did.
 */
export function tenantTemplateSpecs(
  file: string,
  tenant: string,
): { name: string; type: string; spec: unknown }[] {
  const text = readFileSync(file, 'utf8').replaceAll('TENANT', tenant);
  const catalog = JSON.parse(text) as Record<string, Record<string, unknown> | undefined>;
  const specs: { name: string; type: string; spec: unknown }[] = [];
  for (const [section, type] of Object.entries(SECTIONS)) {
    for (const [name, spec] of Object.entries(catalog[section] ?? {})) specs.push({ name, type, spec });
  }
  return specs;
}
