import { createClient, type RealtimeClientOptions, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { Agent } from '../../agent/src/agent.js';
import { fixedClients } from '../src/api/clients.js';
import { spec as specs, startAgent } from '../../test/agent/agent-harness.js';
import { type ApiTestEnv, startApiTestEnv } from '../../test/api/api-test-env.js';
import { query as sql } from '../../test/support/sql.js';
import { diffJson } from '../src/lib/json-diff.js';
import { layoutGraph } from '../src/components/graph/layout-graph.js';
import { useJobsStore } from '../src/stores/jobs-store.js';
import {
  type CatalogQuery,
  DEFAULT_CATALOG_QUERY,
  escapeLikePattern,
  fetchCatalogPage,
  flowIdTime,
  prefixProblem,
  createCatalogStore,
} from '../src/stores/catalog-store.js';

/** Node 20 has no WebSocket and the embedded API serves no realtime: a transport that is never used. */
class NoWebSocket {
  constructor() {
    throw new Error('realtime is not served by the embedded API');
  }
}

/** A request the API answered: its URL and the page it sent back. */
interface Exchange {
  readonly url: URL;
  readonly contentRange: string | null;
  readonly rows: number | null;
}

const BULK = 10_000;
const CHAIN = {
  capture: 'aliceCo/chain/source',
  collection: 'aliceCo/chain/events',
  materialization: 'aliceCo/chain/warehouse',
  second: 'aliceCo/chain/archive',
};

/**
 * The catalog store against a real stack: Postgres with the migrations and seed, the API server, and an
 * agent publishing in control-plane-only mode. 10,000 live specs are seeded with SQL as the superuser; a
 * capture → collection → materialization chain is published by alice through the API.
 */
describe('catalog store (real Postgres, API and agent)', () => {
  let env: ApiTestEnv;
  let agent: Agent;
  let alice: SupabaseClient;
  const exchanges: Exchange[] = [];

  /** A signed-in client whose requests and answers are recorded (URL, Content-Range, rows returned). */
  const signIn = async (email: string): Promise<SupabaseClient> => {
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname.startsWith('/rest/v1/')) {
        const body: unknown = await response
          .clone()
          .json()
          .catch(() => null);
        exchanges.push({
          url,
          contentRange: response.headers.get('content-range'),
          rows: Array.isArray(body) ? body.length : null,
        });
      }
      return response;
    };
    const client = createClient(env.server.url, env.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: NoWebSocket as unknown as RealtimeClientOptions['transport'] },
      global: { fetch: recording },
    });
    const { error } = await client.auth.signInWithPassword({ email, password: 'password' });
    if (error) throw error;
    return client;
  };

  /** Publishes a draft of specs as the client's user through the API and waits for the agent's verdict. */
  const publish = async (
    client: SupabaseClient,
    draftSpecs: readonly { name: string; type: string; spec: unknown; expect?: string }[],
    detail: string,
  ): Promise<string> => {
    const draft = await client.from('drafts').insert({ detail }).select('id').single<{ id: string }>();
    expect(draft.error).toBeNull();
    const rows = draftSpecs.map((s) => ({
      draft_id: draft.data!.id,
      catalog_name: s.name,
      spec_type: s.type,
      spec: s.spec,
      ...(s.expect ? { expect_pub_id: s.expect } : {}),
    }));
    expect((await client.from('draft_specs').insert(rows)).error).toBeNull();
    return publishDraft(client, draft.data!.id, detail);
  };

  const publishDraft = async (client: SupabaseClient, draftId: string, detail: string): Promise<string> => {
    const pub = await client
      .from('publications')
      .insert({ draft_id: draftId, detail })
      .select('id')
      .single<{ id: string }>();
    expect(pub.error).toBeNull();
    const job = await useJobsStore.getState().watch(client, 'publications', pub.data!.id);
    expect(job.status).toMatchObject({ type: 'success' });
    return pub.data!.id;
  };

  /** The catalog names the superuser sees for a condition and order (the oracle of the paging tests). */
  const oracle = async (where: string, order: string, limit: number, offset = 0): Promise<string[]> =>
    (
      await sql<{ catalog_name: string }>(
        env.db.adminUrl,
        `select catalog_name from live_specs where ${where} order by ${order} limit ${limit} offset ${offset}`,
      )
    ).map((r) => r.catalog_name);
  const count = async (where: string): Promise<number> =>
    (
      await sql<{ n: number }>(env.db.adminUrl, `select count(*)::int as n from live_specs where ${where}`)
    )[0]!.n;

  const q = (patch: Partial<CatalogQuery>): CatalogQuery => ({ ...DEFAULT_CATALOG_QUERY, ...patch });

  beforeAll(async () => {
    env = await startApiTestEnv();
    agent = await startAgent(env.db.url);
    // 10,000 live specs of aliceCo, each with its one version in the history, published by alice; every
    // 500th is deleted. Types rotate; ids (and so publication order) follow the names.
    await sql(
      env.db.adminUrl,
      `with specs as (
         select i, internal.id_generator() as pub_id,
           (array['capture','collection','materialization','test'])[1 + i % 4]::catalog_spec_type as t
         from generate_series(1, ${BULK}) i
       ), live as (
         insert into live_specs (catalog_name, last_build_id, last_pub_id, spec, spec_type)
         select 'aliceCo/bulk/spec-' || lpad(i::text, 5, '0'), pub_id, pub_id,
           case when i % 500 = 0 then null else json_build_object('n', i) end,
           case when i % 500 = 0 then null else t end
         from specs order by i
         returning id, last_pub_id, spec, spec_type
       )
       insert into publication_specs (live_spec_id, pub_id, detail, spec, spec_type, user_id)
       select id, last_pub_id, 'seeded', spec, spec_type, '11111111-1111-1111-1111-111111111111' from live`,
    );
    // Names with LIKE's wildcard characters in them (and one a wildcard would wrongly match).
    await sql(
      env.db.adminUrl,
      `insert into live_specs (catalog_name, last_build_id, last_pub_id, spec, spec_type)
       select n, internal.id_generator(), internal.id_generator(), '{}'::json, 'collection'
       from unnest(array['aliceCo/odd/under_score', 'aliceCo/odd/underXscore', 'bobCo/private/thing']) n`,
    );
    alice = await signIn('alice@example.com');
    const collection = specs.collection(['/id']);
    await publish(
      alice,
      [
        { name: CHAIN.collection, type: 'collection', spec: collection },
        { name: CHAIN.capture, type: 'capture', spec: specs.capture(CHAIN.collection) },
        {
          name: CHAIN.materialization,
          type: 'materialization',
          spec: {
            endpoint: { connector: { image: 'ghcr.io/estuary/materialize-postgres:v1', config: {} } },
            bindings: [{ source: CHAIN.collection, resource: { table: 'events' } }],
          },
        },
        { name: CHAIN.second, type: 'materialization', spec: specs.materialization(CHAIN.collection) },
      ],
      'the first chain',
    );
  }, 240_000);

  afterAll(async () => {
    await agent?.stop();
    await env?.stop();
  });

  beforeEach(() => {
    exchanges.length = 0;
  });

  // One catalog store per signed-in client, kept across tests as the GUI keeps its one store.
  const catalogs = new Map<SupabaseClient, ReturnType<typeof createCatalogStore>>();
  const catalogOf = (client: SupabaseClient): ReturnType<typeof createCatalogStore> => {
    let store = catalogs.get(client);
    if (!store) catalogs.set(client, (store = createCatalogStore(fixedClients(client))));
    return store;
  };

  it('pages 10,000 live specs with exact counts, fetching only the page asked for', async () => {
    const visible = `catalog_name like 'aliceCo/%' and spec_type is not null`;
    const total = await count(visible);
    expect(total).toBe(BULK - BULK / 500 + 2 + 4);

    const page = await fetchCatalogPage(alice, q({ page: 3, pageSize: 50 }));
    expect(page.total).toBe(total);
    expect(page.rows.map((r) => r.catalog_name)).toEqual(await oracle(visible, 'catalog_name', 50, 100));
    // One request, asking for 50 rows from offset 100, answered with 50 rows and the exact total.
    expect(exchanges).toHaveLength(1);
    const [exchange] = exchanges;
    expect(exchange!.url.searchParams.get('offset')).toBe('100');
    expect(exchange!.url.searchParams.get('limit')).toBe('50');
    // The list leaves the spec itself (possibly large) out.
    expect(exchange!.url.searchParams.get('select')?.split(',')).not.toContain('spec');
    expect(exchange!.contentRange).toBe(`100-149/${total}`);
    expect(exchange!.rows).toBe(50);

    // The last page holds the rest; past it, the store says so with the count.
    const lastPage = Math.ceil(total / 250);
    const last = await fetchCatalogPage(alice, q({ page: lastPage, pageSize: 250 }));
    expect(last.rows).toHaveLength(total - (lastPage - 1) * 250);
    expect(last.rows.at(-1)?.catalog_name).toBe((await oracle(visible, 'catalog_name desc', 1))[0]);
    const past = await fetchCatalogPage(alice, q({ page: lastPage + 5, pageSize: 250 }));
    expect(past).toEqual({ rows: [], total, pastEnd: true });
  });

  it('shows deleted names only when asked, beside the chosen type', async () => {
    const all = await fetchCatalogPage(alice, q({ deleted: true, prefix: 'aliceCo/bulk/' }));
    expect(all.total).toBe(BULK);
    const collections = await fetchCatalogPage(alice, q({ type: 'collection', prefix: 'aliceCo/bulk/' }));
    expect(collections.total).toBe(
      await count(`catalog_name like 'aliceCo/bulk/%' and spec_type = 'collection'`),
    );
    const withDeleted = await fetchCatalogPage(
      alice,
      q({ type: 'collection', prefix: 'aliceCo/bulk/', deleted: true, pageSize: 500, page: 1 }),
    );
    expect(withDeleted.total).toBe(collections.total + BULK / 500);
    expect(withDeleted.rows.some((r) => r.spec_type === null)).toBe(true);
    expect(withDeleted.rows.every((r) => r.spec_type === null || r.spec_type === 'collection')).toBe(true);
  });

  it('filters by type, exactly as the database counts', async () => {
    for (const type of ['capture', 'collection', 'materialization', 'test'] as const) {
      const page = await fetchCatalogPage(alice, q({ type, pageSize: 25 }));
      expect(page.total).toBe(await count(`catalog_name like 'aliceCo/%' and spec_type = '${type}'`));
      expect(page.rows).toHaveLength(25);
      expect(page.rows.every((r) => r.spec_type === type)).toBe(true);
    }
  });

  it('searches by prefix with %, _ and \\ matching only themselves', async () => {
    expect(escapeLikePattern('a_b%c\\d')).toBe('a\\_b\\%c\\\\d');
    const underscore = await fetchCatalogPage(alice, q({ prefix: 'aliceCo/odd/under_' }));
    expect(underscore.rows.map((r) => r.catalog_name)).toEqual(['aliceCo/odd/under_score']);
    // Unescaped, `%` would match every name of aliceCo/.
    const percent = await fetchCatalogPage(alice, q({ prefix: 'aliceCo/%' }));
    expect(percent.total).toBe(0);
    expect(exchanges.at(-1)?.url.searchParams.get('catalog_name')).toBe('like.aliceCo/\\%%');
    const backslash = await fetchCatalogPage(alice, q({ prefix: 'aliceCo\\' }));
    expect(backslash.total).toBe(0);
    // `*` is PostgREST's wildcard and has no escape: the store asks nothing and matches nothing.
    exchanges.length = 0;
    expect(await fetchCatalogPage(alice, q({ prefix: 'aliceCo/*' }))).toEqual({
      rows: [],
      total: 0,
      pastEnd: false,
    });
    expect(exchanges).toHaveLength(0);
    expect(prefixProblem('aliceCo/*')).toMatch(/names hold only letters/);
    expect(prefixProblem('aliceCo/odd/under_')).toBeNull();
    // A prefix is trimmed and NFKC-normalized as names are (U+FF41 is a full-width "a").
    const chain = await fetchCatalogPage(alice, q({ prefix: ' \uFF41liceCo/chain/ ' }));
    expect(chain.rows.map((r) => r.catalog_name)).toEqual(Object.values(CHAIN).sort());
  });

  it('sorts by name, last update and last publication, both ways, with ties broken by name', async () => {
    const visible = `catalog_name like 'aliceCo/%' and spec_type is not null`;
    const cases = [
      { sort: 'name', dir: 'desc', order: 'catalog_name desc' },
      { sort: 'updated', dir: 'asc', order: 'updated_at asc, catalog_name asc' },
      { sort: 'updated', dir: 'desc', order: 'updated_at desc, catalog_name desc' },
      { sort: 'published', dir: 'desc', order: 'last_pub_id desc, catalog_name desc' },
      { sort: 'published', dir: 'asc', order: 'last_pub_id asc, catalog_name asc' },
    ] as const;
    for (const c of cases) {
      const page = await fetchCatalogPage(alice, q({ sort: c.sort, dir: c.dir, page: 2, pageSize: 25 }));
      expect(
        page.rows.map((r) => r.catalog_name),
        `${c.sort} ${c.dir}`,
      ).toEqual(await oracle(visible, c.order, 25, 25));
    }
    // The newest publication is alice's chain: it comes first by last publication, descending.
    const newest = await fetchCatalogPage(alice, q({ sort: 'published', dir: 'desc', pageSize: 25 }));
    expect(
      newest.rows
        .slice(0, 4)
        .map((r) => r.catalog_name)
        .sort(),
    ).toEqual(Object.values(CHAIN).sort());
    expect(newest.rows[0]).toMatchObject({
      last_pub_user_email: 'alice@example.com',
      last_pub_detail: 'the first chain',
    });
  });

  it('keeps only the answer to the latest list query', async () => {
    const store = catalogOf(alice).getState();
    const slow = store.loadList(q({ type: 'test', pageSize: 500 }));
    const fast = store.loadList(q({ prefix: 'aliceCo/chain/' }));
    await Promise.all([slow, fast]);
    const { list } = catalogOf(alice).getState();
    expect(list.query?.prefix).toBe('aliceCo/chain/');
    expect(list.pageQuery).toBe(list.query);
    expect(list.page?.total).toBe(4);
    expect(list.loading).toBe(false);
  });

  it('loads a spec with its connector, last publication and full history; editing it adds a version', async () => {
    const store = catalogOf(alice).getState();
    await store.loadSpec(CHAIN.materialization);
    let state = catalogOf(alice).getState();
    expect(state.spec.spec).toMatchObject({
      catalog_name: CHAIN.materialization,
      spec_type: 'materialization',
      connector_image_name: 'ghcr.io/estuary/materialize-postgres',
      connector_image_tag: ':v1',
      connector_title: { 'en-US': 'PostgreSQL' },
      last_pub_user_email: 'alice@example.com',
      last_pub_detail: 'the first chain',
    });
    expect(state.spec.spec?.connector_tag_id).not.toBeNull();
    expect(state.history.rows).toHaveLength(1);
    const firstPub = state.history.rows[0]!.pub_id;
    const pubCreated = await sql<{ created_at: Date }>(
      env.db.adminUrl,
      `select created_at from publications where id = '${firstPub}'`,
    );
    expect(Math.abs(flowIdTime(firstPub).getTime() - pubCreated[0]!.created_at.getTime())).toBeLessThan(1000);

    // "Edit in a draft": a new draft with the live spec and expect_pub_id = its last publication.
    const draftId = await catalogOf(alice).getState().editInDraft();
    expect(catalogOf(alice).getState().editing.error).toBeNull();
    expect(draftId).not.toBeNull();
    const draftSpec = await alice
      .from('draft_specs')
      .select('catalog_name,expect_pub_id,spec')
      .eq('draft_id', draftId!)
      .single<{ catalog_name: string; expect_pub_id: string; spec: { bindings: { resource: object }[] } }>();
    expect(draftSpec.data).toMatchObject({ catalog_name: CHAIN.materialization, expect_pub_id: firstPub });
    const changed = structuredClone(draftSpec.data!.spec);
    changed.bindings[0]!.resource = { table: 'events_v2' };
    expect(
      (await alice.from('draft_specs').update({ spec: changed }).eq('draft_id', draftId!)).error,
    ).toBeNull();
    const secondPub = await publishDraft(alice, draftId!, 'rename the table');

    await catalogOf(alice).getState().loadSpec(CHAIN.materialization);
    state = catalogOf(alice).getState();
    expect(state.history.rows.map((r) => [r.pub_id, r.detail, r.user_email])).toEqual([
      [secondPub, 'rename the table', 'alice@example.com'],
      [firstPub, 'the first chain', 'alice@example.com'],
    ]);
    expect(state.spec.spec?.last_pub_id).toBe(secondPub);
    const diff = diffJson(state.history.rows[1]!.spec, state.history.rows[0]!.spec);
    expect(diff.filter((l) => l.kind !== 'same')).toEqual([
      { kind: 'removed', text: '        "table": "events"' },
      { kind: 'added', text: '        "table": "events_v2"' },
    ]);
  });

  it('draws the data-flow neighbourhood: the spec, its neighbours and their edges', async () => {
    const edgesOf = (): string[] => {
      const { graph } = catalogOf(alice).getState();
      const names = new Map(graph.data!.nodes.map((n) => [n.id, n.catalog_name]));
      return graph.data!.edges.map((e) => `${names.get(e.source_id)} -> ${names.get(e.target_id)}`).sort();
    };
    const chain = [
      `${CHAIN.capture} -> ${CHAIN.collection}`,
      `${CHAIN.collection} -> ${CHAIN.second}`,
      `${CHAIN.collection} -> ${CHAIN.materialization}`,
    ].sort();
    // From the capture: its edge to the collection, then the collection's edges to both materializations.
    await catalogOf(alice).getState().loadSpec(CHAIN.capture);
    let graph = catalogOf(alice).getState().graph;
    expect(graph.error).toBeNull();
    expect(edgesOf()).toEqual(chain);
    expect(graph.data!.centre).toBe(catalogOf(alice).getState().spec.spec!.id);
    expect(graph.data!.nodes.map((n) => [n.catalog_name, n.spec_type])).toEqual([
      [CHAIN.second, 'materialization'],
      [CHAIN.collection, 'collection'],
      [CHAIN.capture, 'capture'],
      [CHAIN.materialization, 'materialization'],
    ]);
    expect(graph.data!.truncated).toBe(false);
    // From a materialization: the same chain, reached through the collection.
    await catalogOf(alice).getState().loadSpec(CHAIN.materialization);
    expect(edgesOf()).toEqual(chain);
    // A spec with no flows has a neighbourhood of itself.
    await catalogOf(alice).getState().loadSpec('aliceCo/odd/under_score');
    graph = catalogOf(alice).getState().graph;
    expect(graph.data).toMatchObject({ edges: [], nodes: [{ catalog_name: 'aliceCo/odd/under_score' }] });

    // Laid out left to right, in the direction data flows.
    await catalogOf(alice).getState().loadSpec(CHAIN.capture);
    const data = catalogOf(alice).getState().graph.data!;
    const layout = layoutGraph(
      data.nodes.map((n) => ({ id: n.id, label: n.catalog_name })),
      data.edges.map((e) => ({ source: e.source_id, target: e.target_id })),
    );
    const x = (name: string): number => {
      const id = data.nodes.find((n) => n.catalog_name === name)!.id;
      return layout.nodes.find((n) => n.id === id)!.x;
    };
    expect(x(CHAIN.capture)).toBeLessThan(x(CHAIN.collection));
    expect(x(CHAIN.collection)).toBeLessThan(x(CHAIN.materialization));
    expect(layout.edges.every((e) => e.points.length >= 2)).toBe(true);
    expect(layout.width).toBeGreaterThan(x(CHAIN.materialization));
  });

  it('shows carol (read on aliceCo/) the specs and history, and bob nothing of them', async () => {
    const carol = await signIn('carol@example.com');
    const bob = await signIn('bob@example.com');
    const carolPage = await fetchCatalogPage(carol, q({ prefix: 'aliceCo/chain/' }));
    expect(carolPage.total).toBe(4);
    await catalogOf(carol).getState().loadSpec(CHAIN.collection);
    const state = catalogOf(carol).getState();
    expect(state.spec.spec?.catalog_name).toBe(CHAIN.collection);
    expect(state.history.rows).toHaveLength(1);
    expect(state.graph.data?.edges).toHaveLength(3);

    expect((await fetchCatalogPage(bob, q({ prefix: 'aliceCo/' }))).total).toBe(0);
    // bob sees his own tenant's names only.
    expect((await fetchCatalogPage(bob, q({}))).rows.map((r) => r.catalog_name)).toEqual([
      'bobCo/private/thing',
    ]);
    await catalogOf(bob).getState().loadSpec(CHAIN.collection);
    expect(catalogOf(bob).getState().spec).toMatchObject({ spec: null, notFound: true, error: null });
  });

  it('reports an API error with its PostgREST message', async () => {
    const anon = createClient(env.server.url, env.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: NoWebSocket as unknown as RealtimeClientOptions['transport'] },
    });
    await catalogOf(anon).getState().loadList(q({}));
    expect(catalogOf(anon).getState().list.error).toMatch(
      /permission denied for (view|table) live_specs_ext/,
    );
    expect(catalogOf(anon).getState().list.error).toMatch(
      /^Your role may not read or change live_specs_ext.*\n42501 · /,
    );
  });
});
