// What the editor's catalog checks and the templates' collection picker need beyond the draft: the live specs
// the draft references (as the signed-in user may read them), the collections the user may read, and the
// user's capability on a name. Read through the API under the user's RLS, so nothing unreadable shows.
import { useEffect, useMemo, useState } from 'react';

import {
  type Capability,
  capabilityFromRoles,
  type LiveEntry,
} from '../../../../shared/catalog/catalog-checks.js';
import type { CatalogSpecType } from '../../../../shared/control-plane-rows.js';
import { useAuthStore } from '../../stores/auth-store.js';

/** The live catalog as the editor sees it. */
export interface EditorCatalog {
  /** Live specs (not deleted) among the names asked for. */
  readonly live: ReadonlyMap<string, LiveEntry>;
  /** Names of live collections the user may read (for completion and "did you mean …?"). */
  readonly collections: readonly string[];
  /** The user's capability on a name. */
  readonly capability: (name: string) => Capability | null;
  /** Prefixes the user administers: where new specs may be published. */
  readonly adminPrefixes: readonly string[];
}

/** How many readable collection names the picker offers (the catalog page pages through the rest). */
const COLLECTIONS_LIMIT = 1000;

/** Loads the live specs of `names` and the readable collections; reloads when the names change. */
export function useEditorCatalog(names: readonly string[]): EditorCatalog {
  const client = useAuthStore((s) => s.client);
  const roles = useAuthStore((s) => s.roles);
  const key = [...new Set(names)].sort().join('\n');
  const [live, setLive] = useState<ReadonlyMap<string, LiveEntry>>(new Map());
  const [collections, setCollections] = useState<readonly string[]>([]);

  useEffect(() => {
    if (!client) return;
    let current = true;
    void (async () => {
      const { data } = await client
        .from('live_specs')
        .select('catalog_name')
        .eq('spec_type', 'collection')
        .not('spec', 'is', null)
        .order('catalog_name')
        .limit(COLLECTIONS_LIMIT);
      if (current && data) setCollections((data as { catalog_name: string }[]).map((r) => r.catalog_name));
    })();
    return () => {
      current = false;
    };
  }, [client, roles]);

  useEffect(() => {
    const wanted = key === '' ? [] : key.split('\n');
    if (!client || wanted.length === 0) {
      setLive(new Map());
      return;
    }
    let current = true;
    void (async () => {
      const { data } = await client
        .from('live_specs')
        .select('catalog_name,spec_type,spec')
        .in('catalog_name', wanted)
        .not('spec', 'is', null);
      if (!current || !data) return;
      const rows = data as { catalog_name: string; spec_type: CatalogSpecType; spec: unknown }[];
      setLive(
        new Map(rows.map((r) => [r.catalog_name, { name: r.catalog_name, type: r.spec_type, spec: r.spec }])),
      );
    })();
    return () => {
      current = false;
    };
  }, [client, key, roles]);

  return useMemo(
    () => ({
      live,
      collections,
      capability: (name: string) => capabilityFromRoles(roles, name),
      adminPrefixes: roles.filter((r) => r.capability === 'admin').map((r) => r.role_prefix),
    }),
    [live, collections, roles],
  );
}
