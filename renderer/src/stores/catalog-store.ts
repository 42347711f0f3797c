import type { SupabaseClient } from '@supabase/supabase-js';
import { create, type StoreApi, type UseBoundStore } from 'zustand';

import type {
  CatalogSpecType,
  FlowId,
  LiveSpecExtRow,
  LiveSpecFlowRow,
  PublicationSpecExtRow,
} from '../../../shared/control-plane-rows.js';
import { ApiError, describeApiError, unwrap } from '../api/api-error.js';
import { copyLiveSpecsToDraft } from '../api/draft-actions.js';
import { appClients, type Clients } from '../api/clients.js';
import { type IsLatest, LatestRequest } from '../lib/latest-request.js';

/** The spec types the list filters by, and `all`. */
export type CatalogTypeFilter = CatalogSpecType | 'all';
export const CATALOG_TYPES: readonly CatalogTypeFilter[] = [
  'all',
  'capture',
  'collection',
  'materialization',
  'test',
];

/** What the list sorts by: the name, the last update of the live spec, or its last publication. */
export type CatalogSortKey = 'name' | 'updated' | 'published';
export type SortDirection = 'asc' | 'desc';

/** The page sizes offered; pages are fetched from the server, never the whole catalog. */
export const PAGE_SIZES: readonly number[] = [25, 50, 100, 250, 500];

/** One page of the catalog as the list asks for it (and as the route query spells it). */
export interface CatalogQuery {
  readonly type: CatalogTypeFilter;
  /** Names starting with this text (literally: `%`, `_` and `\` match themselves). */
  readonly prefix: string;
  readonly sort: CatalogSortKey;
  readonly dir: SortDirection;
  /** 1-based. */
  readonly page: number;
  readonly pageSize: number;
  /** Whether deleted names (spec null) are listed too. */
  readonly deleted: boolean;
}

/** The list's first view: every live spec by name, 50 a page. */
export const DEFAULT_CATALOG_QUERY: CatalogQuery = {
  type: 'all',
  prefix: '',
  sort: 'name',
  dir: 'asc',
  page: 1,
  pageSize: 50,
  deleted: false,
};

/** The columns a list row shows: everything but the spec itself, which can be large. */
export type CatalogListRow = Pick<
  LiveSpecExtRow,
  | 'id'
  | 'catalog_name'
  | 'spec_type'
  | 'updated_at'
  | 'last_pub_id'
  | 'connector_image_name'
  | 'connector_image_tag'
  | 'connector_title'
  | 'connector_logo_url'
  | 'last_pub_detail'
  | 'last_pub_user_email'
  | 'last_pub_user_full_name'
>;

const LIST_COLUMNS =
  'id,catalog_name,spec_type,updated_at,last_pub_id,connector_image_name,connector_image_tag,' +
  'connector_title,connector_logo_url,last_pub_detail,last_pub_user_email,last_pub_user_full_name';

const SORT_COLUMNS: Readonly<Record<CatalogSortKey, string>> = {
  name: 'catalog_name',
  updated: 'updated_at',
  // Flow ids are time-ordered: the last publication's id orders by its time.
  published: 'last_pub_id',
};

/** A fetched page: its rows and the exact number of rows matching the filters. */
export interface CatalogPage {
  readonly rows: readonly CatalogListRow[];
  readonly total: number;
  /** The page asked for lies past the last one (the filters match fewer rows now). */
  readonly pastEnd: boolean;
}

/** Escapes LIKE's wildcards (`%`, `_`) and its escape character, so the text matches only itself. */
export function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Why no catalog name can start with `prefix`, or null: names hold only letters, digits, `-`, `_`, `.`, `/`. */
export function prefixProblem(prefix: string): string | null {
  if (/^[\p{L}\p{N}\-_./]*$/u.test(prefix)) return null;
  return `No catalog name starts with "${prefix}": names hold only letters, digits, "-", "_", "." and "/".`;
}

/** Catalog names are NFKC-normalized; a prefix typed otherwise would match nothing. */
export function normalizePrefix(prefix: string): string {
  return prefix.trim().normalize('NFKC');
}

/** A query's filters as PostgREST spells them: `column=operator.value` conditions and an optional `or`. */
interface CatalogFilters {
  readonly conditions: readonly (readonly [column: string, operator: string, value: string])[];
  readonly or: string | null;
}

/** The type, deleted and prefix filters of a query (the prefix already normalized). */
function catalogFilters(query: CatalogQuery, prefix: string): CatalogFilters {
  const conditions: [string, string, string][] = [];
  let or: string | null = null;
  if (prefix !== '') conditions.push(['catalog_name', 'like', `${escapeLikePattern(prefix)}%`]);
  // Deleted names have no type: they are listed beside the chosen type only when asked for.
  if (query.type !== 'all' && query.deleted) or = `spec_type.eq.${query.type},spec_type.is.null`;
  else if (query.type !== 'all') conditions.push(['spec_type', 'eq', query.type]);
  else if (!query.deleted) conditions.push(['spec_type', 'not.is', 'null']);
  return { conditions, or };
}

/**
 * One page of `live_specs_ext` under the caller's RLS: filtered by type and name prefix, sorted (ties by
 * name, so pages never overlap), with the exact count of matching rows. Only the page's rows are fetched.
 */
export async function fetchCatalogPage(client: SupabaseClient, query: CatalogQuery): Promise<CatalogPage> {
  const prefix = normalizePrefix(query.prefix);
  // PostgREST reads `*` in a LIKE pattern as `%`, with no escape: a name holds no `*`, so nothing matches.
  if (prefix.includes('*')) return { rows: [], total: 0, pastEnd: false };
  const filters = catalogFilters(query, prefix);
  const from = (query.page - 1) * query.pageSize;
  const ascending = query.dir === 'asc';
  let request = client.from('live_specs_ext').select(LIST_COLUMNS, { count: 'exact' });
  for (const [column, operator, value] of filters.conditions)
    request = request.filter(column, operator, value);
  if (filters.or) request = request.or(filters.or);
  request = request.order(SORT_COLUMNS[query.sort], { ascending });
  if (query.sort !== 'name') request = request.order('catalog_name', { ascending });
  const result = await request.range(from, from + query.pageSize - 1);
  if (result.error?.code === 'PGRST103') {
    // The offset lies past the end (the filters match fewer rows than when the page was linked).
    let count = client.from('live_specs').select('id', { count: 'exact', head: true });
    for (const [column, operator, value] of filters.conditions) count = count.filter(column, operator, value);
    if (filters.or) count = count.or(filters.or);
    const counted = await count;
    if (counted.error) throw new ApiError(counted.error);
    return { rows: [], total: counted.count ?? 0, pastEnd: true };
  }
  if (result.error) throw new ApiError(result.error);
  const rows = result.data as unknown as CatalogListRow[];
  return { rows, total: result.count ?? rows.length, pastEnd: false };
}

/** A live spec by name with its connector and last publication, or null when the caller cannot see it. */
export async function fetchLiveSpec(client: SupabaseClient, name: string): Promise<LiveSpecExtRow | null> {
  return unwrap<LiveSpecExtRow | null>(
    await client.from('live_specs_ext').select('*').eq('catalog_name', name).maybeSingle(),
  );
}

/** Every version of a live spec, newest first. */
export async function fetchHistory(
  client: SupabaseClient,
  liveSpecId: FlowId,
): Promise<PublicationSpecExtRow[]> {
  return unwrap<PublicationSpecExtRow[]>(
    await client
      .from('publication_specs_ext')
      .select('*')
      .eq('live_spec_id', liveSpecId)
      .order('pub_id', { ascending: false }),
  );
}

/** A node of the data-flow neighbourhood: a live spec the caller may read. */
export interface FlowNode {
  readonly id: FlowId;
  readonly catalog_name: string;
  readonly spec_type: CatalogSpecType | null;
}

/** A live spec's data-flow neighbourhood: its edges, its neighbours' edges, and the specs they join. */
export interface FlowNeighbourhood {
  readonly centre: FlowId;
  readonly nodes: readonly FlowNode[];
  readonly edges: readonly LiveSpecFlowRow[];
  /** More edges exist than were fetched (the graph shows the first MAX_GRAPH_EDGES). */
  readonly truncated: boolean;
}

/** The most edges the graph fetches and draws; beyond that a graph is no longer readable anyway. */
export const MAX_GRAPH_EDGES = 400;
// Ids per `in.(...)` filter: 100 ids keep a request URL under 4 KB.
const IDS_PER_REQUEST = 100;

function edgeKey(e: LiveSpecFlowRow): string {
  return `${e.source_id}>${e.target_id}`;
}

async function edgesTouching(
  client: SupabaseClient,
  ids: readonly FlowId[],
  limit: number,
): Promise<{ edges: LiveSpecFlowRow[]; more: boolean }> {
  const edges: LiveSpecFlowRow[] = [];
  let more = false;
  for (let i = 0; i < ids.length && edges.length < limit; i += IDS_PER_REQUEST) {
    const list = ids.slice(i, i + IDS_PER_REQUEST).join(',');
    const room = limit - edges.length;
    const rows = unwrap<LiveSpecFlowRow[]>(
      await client
        .from('live_spec_flows')
        .select('source_id,target_id,flow_type')
        .or(`source_id.in.(${list}),target_id.in.(${list})`)
        .order('source_id')
        .order('target_id')
        .limit(room + 1),
    );
    if (rows.length > room) more = true;
    edges.push(...rows.slice(0, room));
  }
  return { edges, more };
}

/**
 * The data-flow neighbourhood of a live spec from `live_spec_flows`: the edges of the spec, then the edges of
 * each neighbour (so capture → collection → materialization shows whole from any of the three), with ids
 * resolved to names through `live_specs_ext`. RLS hides edges whose ends the caller cannot read.
 */
export async function fetchNeighbourhood(
  client: SupabaseClient,
  liveSpecId: FlowId,
): Promise<FlowNeighbourhood> {
  const first = await edgesTouching(client, [liveSpecId], MAX_GRAPH_EDGES);
  const neighbours = [
    ...new Set(first.edges.flatMap((e) => [e.source_id, e.target_id]).filter((id) => id !== liveSpecId)),
  ];
  const second = await edgesTouching(client, neighbours, MAX_GRAPH_EDGES);
  const edges = new Map<string, LiveSpecFlowRow>();
  let dropped = false;
  for (const e of [...first.edges, ...second.edges]) {
    if (edges.size >= MAX_GRAPH_EDGES && !edges.has(edgeKey(e))) dropped = true;
    else edges.set(edgeKey(e), e);
  }
  const ids = [...new Set([liveSpecId, ...[...edges.values()].flatMap((e) => [e.source_id, e.target_id])])];
  const nodes: FlowNode[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
    const chunk = ids.slice(i, i + IDS_PER_REQUEST);
    nodes.push(
      ...unwrap<FlowNode[]>(
        await client.from('live_specs_ext').select('id,catalog_name,spec_type').in('id', chunk),
      ),
    );
  }
  nodes.sort((a, b) => (a.catalog_name < b.catalog_name ? -1 : a.catalog_name > b.catalog_name ? 1 : 0));
  return {
    centre: liveSpecId,
    nodes,
    edges: [...edges.values()],
    truncated: first.more || second.more || dropped,
  };
}

/** The time a Flow id was made: its top 41 bits are milliseconds since 1600000000 s. */
export function flowIdTime(id: FlowId): Date {
  const value = BigInt(`0x${id.replaceAll(':', '')}`);
  return new Date(Number(value >> 23n) + 1_600_000_000_000);
}

/** The state of one asynchronous section of the catalog views. */
interface Section {
  readonly loading: boolean;
  readonly error: string | null;
  /** When the current load started, for its elapsed time. */
  readonly startedAt: number | null;
}

const IDLE: Section = { loading: false, error: null, startedAt: null };

/** The list of live specs: the query it shows and the page it got. */
export interface ListState extends Section {
  /** The query loading or loaded last. */
  readonly query: CatalogQuery | null;
  /** The page shown, and the query it answers (the previous one while the next loads). */
  readonly page: CatalogPage | null;
  readonly pageQuery: CatalogQuery | null;
}

/** One live spec's page: the spec, its history and its data-flow neighbourhood. */
export interface SpecState extends Section {
  readonly name: string | null;
  readonly spec: LiveSpecExtRow | null;
  /** Loaded, and no live spec of that name is visible to the caller. */
  readonly notFound: boolean;
}

export interface HistoryState extends Section {
  readonly rows: readonly PublicationSpecExtRow[];
}

export interface GraphState extends Section {
  readonly data: FlowNeighbourhood | null;
}

interface CatalogStore {
  list: ListState;
  spec: SpecState;
  history: HistoryState;
  graph: GraphState;
  /** Copying the spec into a draft ("Edit in a draft"). */
  editing: Section;
  /** Loads a page of the list; an answer to an older query is dropped. */
  loadList: (query: CatalogQuery) => Promise<void>;
  /** Loads a live spec, then its history and neighbourhood side by side. */
  loadSpec: (name: string) => Promise<void>;
  /** Copies the shown spec into a new draft; returns the draft's id (null on error, shown in `editing`). */
  editInDraft: () => Promise<string | null>;
}

/**
 * Makes the catalog store: the paged list of live specs and the page of one spec. Tests pass their own clients,
 * the GUI uses `appClients`.
 */
export function createCatalogStore(clients: Clients = appClients): UseBoundStore<StoreApi<CatalogStore>> {
  return create<CatalogStore>((set, get) => {
    // A slow answer to an older request must not overwrite a newer one: one sequence for the list, one for the
    // spec page (its history and graph answer the spec they were asked for).
    const lists = new LatestRequest();
    const specs = new LatestRequest();

    const section = async <T>(
      key: 'history' | 'graph',
      isLatest: IsLatest,
      work: () => Promise<T>,
      done: (value: T) => Partial<HistoryState & GraphState>,
    ): Promise<void> => {
      set({ [key]: { ...get()[key], loading: true, error: null, startedAt: Date.now() } });
      try {
        const value = await work();
        if (isLatest()) set({ [key]: { ...get()[key], ...IDLE, ...done(value) } });
      } catch (e) {
        if (isLatest()) set({ [key]: { ...get()[key], ...IDLE, error: describeApiError(e) } });
      }
    };

    return {
      list: { ...IDLE, query: null, page: null, pageQuery: null },
      spec: { ...IDLE, name: null, spec: null, notFound: false },
      history: { ...IDLE, rows: [] },
      graph: { ...IDLE, data: null },
      editing: IDLE,

      loadList: async (query) => {
        set({ list: { ...get().list, query, loading: true, error: null, startedAt: Date.now() } });
        await lists.run(() => fetchCatalogPage(clients.supabase(), query), {
          value: (page) => set({ list: { ...IDLE, query, page, pageQuery: query } }),
          error: (e) =>
            set({ list: { ...IDLE, query, page: null, pageQuery: null, error: describeApiError(e) } }),
        });
      },

      loadSpec: async (name) => {
        const isLatest = specs.begin();
        const same = get().spec.name === name;
        set({
          spec: {
            ...IDLE,
            loading: true,
            startedAt: Date.now(),
            name,
            spec: same ? get().spec.spec : null,
            notFound: false,
          },
          editing: IDLE,
          ...(same ? {} : { history: { ...IDLE, rows: [] }, graph: { ...IDLE, data: null } }),
        });
        let client: SupabaseClient;
        let spec: LiveSpecExtRow | null;
        try {
          client = clients.supabase();
          spec = await fetchLiveSpec(client, name);
        } catch (e) {
          if (isLatest())
            set({ spec: { ...IDLE, name, spec: null, notFound: false, error: describeApiError(e) } });
          return;
        }
        if (!isLatest()) return;
        set({ spec: { ...IDLE, name, spec, notFound: spec === null } });
        if (!spec) return;
        const id = spec.id;
        await Promise.all([
          section(
            'history',
            isLatest,
            () => fetchHistory(client, id),
            (rows) => ({ rows }),
          ),
          section(
            'graph',
            isLatest,
            () => fetchNeighbourhood(client, id),
            (data) => ({ data }),
          ),
        ]);
      },

      editInDraft: async () => {
        const spec = get().spec.spec;
        if (!spec || get().editing.loading) return null;
        set({ editing: { loading: true, error: null, startedAt: Date.now() } });
        try {
          const id = await copyLiveSpecsToDraft(clients.supabase(), [spec]);
          set({ editing: IDLE });
          return id;
        } catch (e) {
          set({ editing: { ...IDLE, error: describeApiError(e) } });
          return null;
        }
      },
    };
  });
}

/** The GUI's catalog store. */
export const useCatalogStore = createCatalogStore();
