import { useEffect, useMemo, useState } from 'react';

import { navigate, routePath, useRouter } from '../../app/router.js';
import {
  type CatalogListRow,
  type CatalogQuery,
  prefixProblem,
  useCatalogStore,
} from '../../stores/catalog-store.js';
import { formatRange } from './catalog-format.js';
import { catalogListPath, parseCatalogQuery } from './catalog-route.js';
import { CatalogPager } from './CatalogPager.js';
import { CatalogRows } from './CatalogRows.js';
import { CatalogToolbar } from './CatalogToolbar.js';
import { QueryStates } from '../../components/feedback/QueryStates.js';
import { LoadingLine } from '../../components/feedback/LoadingLine.js';

/**
 * Changes the list query in the route; filters other than the page go back to page 1. Reads the route when
 * called, so a late call (the prefix box's debounce) never undoes a change made meanwhile.
 */
function updateQuery(patch: Partial<CatalogQuery>, options?: { replace?: boolean }): void {
  const current = parseCatalogQuery(useRouter.getState().route.query);
  const next = { ...current, ...('page' in patch ? {} : { page: 1 }), ...patch };
  navigate(catalogListPath(next), options);
}

/** The live specs the signed-in user may read, a page at a time, filtered and sorted on the server. */
export function CatalogList(): React.JSX.Element {
  const key = useRouter((s) => s.route.query.toString());
  // The query object changes only when the route query does.
  const query = useMemo(() => parseCatalogQuery(new URLSearchParams(key)), [key]);
  const list = useCatalogStore((s) => s.list);
  const loadList = useCatalogStore((s) => s.loadList);
  const [selected, setSelected] = useState(0);

  useEffect(() => {
    setSelected(0);
    void loadList(query);
  }, [query, loadList]);

  // The page shown answers list.pageQuery: while the next page loads, the previous one stays (dimmed).
  const shown = list.page;
  const shownQuery = list.pageQuery ?? query;
  const rows: readonly CatalogListRow[] = shown?.rows ?? [];
  const total = shown?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / shownQuery.pageSize));
  const from = (shownQuery.page - 1) * shownQuery.pageSize + 1;
  const filtered = query.type !== 'all' || query.prefix.trim() !== '';
  const problem = prefixProblem(query.prefix.trim());

  return (
    <section className="panel catalog">
      <header className="catalog-header">
        <h2>Catalog</h2>
        <span className="muted" data-testid="catalog-range">
          {shown ? formatRange(from, from + rows.length - 1, total) : ''}
        </span>
        {list.loading && shown && (
          <LoadingLine what={`Loading page ${query.page}`} startedAt={list.startedAt} />
        )}
      </header>
      <CatalogToolbar query={query} onChange={updateQuery} />
      <QueryStates
        state={{
          error: list.error,
          hasData: shown !== null,
          startedAt: list.startedAt,
        }}
        empty={shown?.pastEnd === true || rows.length === 0}
        what="the catalog"
        name="catalog"
        onRetry={() => void loadList(query)}
        emptyContent={
          shown?.pastEnd ? (
            <>
              <p>
                Page {shownQuery.page} is past the end: these filters match {total.toLocaleString('en-US')}{' '}
                live specs.
              </p>
              <button onClick={() => updateQuery({ page: pages })}>Go to the last page</button>
            </>
          ) : (
            <>
              {problem ? (
                <p>{problem}</p>
              ) : filtered ? (
                <p>No live specs match these filters.</p>
              ) : (
                <>
                  <p>No live specs yet: nothing you may read has been published.</p>
                  <p className="muted">
                    Create a draft with a capture, a collection or a materialization and publish it, or
                    discover a capture from a connector.
                  </p>
                </>
              )}
              <p>
                {filtered && (
                  <button onClick={() => navigate(routePath('catalog'))}>Clear the filters</button>
                )}{' '}
                <button onClick={() => navigate(routePath('drafts'))}>Go to drafts</button>{' '}
                <button onClick={() => navigate(routePath('connectors'))}>Go to connectors</button>
              </p>
            </>
          )
        }
      >
        <CatalogRows
          rows={rows}
          selected={Math.min(selected, Math.max(0, rows.length - 1))}
          onSelect={setSelected}
          onOpen={(row) => navigate(routePath('catalog', row.catalog_name))}
          busy={list.loading}
        />
      </QueryStates>
      {shown && total > 0 && (
        <CatalogPager page={shownQuery.page} pages={pages} onPage={(p) => updateQuery({ page: p })} />
      )}
    </section>
  );
}
