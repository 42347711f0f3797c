import type { CatalogSpecType, Json } from '../../../shared/control-plane-rows.js';

/** The folder of a catalog name (`aliceCo/hello/source` → `aliceCo/hello/`), for names of related specs. */
function folderOf(catalogName: string): string {
  const slash = catalogName.lastIndexOf('/');
  return slash < 0 ? '' : catalogName.slice(0, slash + 1);
}

/**
 * A starting spec of a type for a new catalog name, valid against the catalog schema: the seeded hello-world
 * source and Postgres materialization, and a collection of greetings beside them.
 */
export function specTemplate(type: CatalogSpecType, catalogName: string): Json {
  const greetings = `${folderOf(catalogName)}greetings`;
  switch (type) {
    case 'collection':
      return {
        schema: {
          type: 'object',
          properties: { id: { type: 'string' }, message: { type: 'string' } },
          required: ['id'],
        },
        key: ['/id'],
      };
    case 'capture':
      return {
        endpoint: {
          connector: { image: 'ghcr.io/estuary/source-hello-world:v1', config: { rate: 1 } },
        },
        bindings: [{ resource: { name: 'greetings', prefix: 'Hello #{}' }, target: greetings }],
        interval: '5m',
      };
    case 'materialization':
      return {
        endpoint: {
          connector: {
            image: 'ghcr.io/estuary/materialize-postgres:v1',
            config: {
              address: 'localhost:5432',
              database: 'postgres',
              user: 'postgres',
              password: 'postgres',
            },
          },
        },
        bindings: [{ source: greetings, resource: { table: 'greetings' } }],
      };
    case 'test':
      return [
        { ingest: { collection: greetings, documents: [{ id: '1', message: 'Hello' }] } },
        { verify: { collection: greetings, documents: [{ id: '1', message: 'Hello' }] } },
      ];
  }
}

/** JSON text of a spec as the editor shows it. */
export function specText(spec: unknown): string {
  return JSON.stringify(spec ?? null, null, 2);
}

const NAME = /^[\p{L}\p{N}\-_.]+(\/[\p{L}\p{N}\-_.]+)*$/u;

/** Why a catalog name is not valid, or null when it is (the rule of the catalog_name domain). */
export function catalogNameProblem(name: string): string | null {
  if (name.trim() === '') return 'Enter a catalog name, like aliceCo/hello/greetings.';
  if (name.endsWith('/')) return `"${name}" is a prefix: add a name after the last "/".`;
  if (!NAME.test(name))
    return `"${name}" is not a catalog name: use letters, digits, "-", "_" and "." in parts separated by "/".`;
  return null;
}
