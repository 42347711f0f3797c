import { catalogNameProblems } from '../../../shared/catalog/catalog-names.js';
import type { CatalogSpecType, Json } from '../../../shared/control-plane-rows.js';

/** The folder of a catalog name (`aliceCo/hello/source` → `aliceCo/hello/`), for names of related specs. */
function folderOf(catalogName: string): string {
  const slash = catalogName.lastIndexOf('/');
  return slash < 0 ? '' : catalogName.slice(0, slash + 1);
}

/** Whether a type's template binds a collection (the form then asks which). */
export function templateNeedsCollection(type: CatalogSpecType): boolean {
  return type !== 'collection';
}

/**
 * A starting spec of a type for a new catalog name, valid against the catalog schema: the seeded hello-world
 * source and Postgres materialization bound to `collection` (the GUI passes one the user chose among those of
 * the draft and the catalog; without one, `greetings` beside the new name), and a collection of greetings.
 */
export function specTemplate(type: CatalogSpecType, catalogName: string, collection?: string): Json {
  const greetings = collection || `${folderOf(catalogName)}greetings`;
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
        bindings: [{ resource: { name: tableName(greetings), prefix: 'Hello #{}' }, target: greetings }],
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
        bindings: [{ source: greetings, resource: { table: tableName(greetings) } }],
      };
    case 'test':
      return [
        { ingest: { collection: greetings, documents: [{ id: '1', message: 'Hello' }] } },
        { verify: { collection: greetings, documents: [{ id: '1', message: 'Hello' }] } },
      ];
  }
}

/** A table name for a materialized collection: its last name component, as Postgres would take it. */
function tableName(collection: string): string {
  return (
    (collection.split('/').at(-1) ?? collection).replace(/[^A-Za-z0-9_]/g, '_').toLowerCase() || 'greetings'
  );
}

/**
 * Why a new spec cannot be added as asked, or null: the name must be a catalog name Flow accepts (grammar, two
 * components, length), within a prefix the user administers (else it could never be published), and a template
 * that binds a collection needs one that exists in the draft or the catalog.
 */
export function newSpecProblem(
  name: string,
  type: CatalogSpecType,
  adminPrefixes: readonly string[],
  collection: string,
  collections: readonly string[],
): string | null {
  const why = catalogNameProblem(name) ?? catalogNameProblems(name, type)[0] ?? null;
  if (why) return why;
  if (!adminPrefixes.some((p) => name.startsWith(p))) {
    return adminPrefixes.length
      ? `You may only publish under ${adminPrefixes.join(', ')}: start the name with one of them.`
      : 'You administer no prefix: ask an admin for a grant before adding specs.';
  }
  if (templateNeedsCollection(type) && !collections.includes(collection)) {
    return collection
      ? `${collection} is not a collection of this draft or of the catalog you may read: pick one from the list.`
      : `Choose the collection the ${type} uses: add a collection to the draft first, or pick one of the catalog.`;
  }
  return null;
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
