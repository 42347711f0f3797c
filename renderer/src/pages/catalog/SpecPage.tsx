import { useEffect, useMemo } from 'react';

import { navigate, routePath, useRouter } from '../../app/router.js';
import { JournalPreview } from '../../components/data-plane/JournalPreview.js';
import { ShardStatusBadge } from '../../components/data-plane/ShardStatusBadge.js';
import { capabilityFromRoles } from '../../../../shared/catalog/catalog-checks.js';
import { useAuthStore } from '../../stores/auth-store.js';
import { DEFAULT_CATALOG_QUERY, useCatalogStore } from '../../stores/catalog-store.js';
import { catalogListPath, parseSpecTab, type SpecTab, specPath } from './catalog-route.js';
import { ErrorNotice } from '../../components/feedback/ErrorNotice.js';
import { LoadingLine } from '../../components/feedback/LoadingLine.js';
import { SpecFlowGraph } from './SpecFlowGraph.js';
import { SpecHistory } from './SpecHistory.js';
import { SpecOverview } from './SpecOverview.js';
import { SpecTabs } from './SpecTabs.js';
import { TypeBadge } from './TypeBadge.js';

/** A live spec's page: overview (connector, last publication, JSON), history with diffs, data-flow graph. */
export function SpecPage(props: { readonly name: string }): React.JSX.Element {
  const { name } = props;
  const key = useRouter((s) => s.route.query.toString());
  const params = useMemo(() => new URLSearchParams(key), [key]);
  const tab = parseSpecTab(params);
  const spec = useCatalogStore((s) => s.spec);
  const history = useCatalogStore((s) => s.history);
  const graph = useCatalogStore((s) => s.graph);
  const editing = useCatalogStore((s) => s.editing);
  const listQuery = useCatalogStore((s) => s.list.query);
  const loadSpec = useCatalogStore((s) => s.loadSpec);
  const editInDraft = useCatalogStore((s) => s.editInDraft);
  const roles = useAuthStore((s) => s.roles);
  // Publishing a change needs admin on the name: a read-only user is not offered a draft they cannot publish.
  const capability = capabilityFromRoles(roles, name);

  useEffect(() => {
    void loadSpec(name);
  }, [name, loadSpec]);

  const live = spec.name === name ? spec.spec : null;
  const flows = useMemo(() => {
    const data = graph.data;
    if (!data || data.centre !== live?.id) return null;
    const names = new Map(data.nodes.map((n) => [n.id, n.catalog_name]));
    const nameOf = (id: string): string => names.get(id) ?? id;
    return {
      from: data.edges.filter((e) => e.target_id === data.centre).map((e) => nameOf(e.source_id)),
      to: data.edges.filter((e) => e.source_id === data.centre).map((e) => nameOf(e.target_id)),
    };
  }, [graph.data, live?.id]);
  const select = (next: SpecTab): void => navigate(specPath(name, next), { replace: true });
  const edit = async (): Promise<void> => {
    const draftId = await editInDraft();
    if (draftId) navigate(routePath('drafts', draftId));
  };

  return (
    <section className="panel catalog-spec-page" data-testid="spec-page" data-name={name}>
      <nav className="catalog-breadcrumb">
        <a href={`#${catalogListPath(listQuery ?? DEFAULT_CATALOG_QUERY)}`}>← Catalog</a>
      </nav>
      <header className="catalog-spec-header">
        <h2 data-testid="spec-name" title={name}>
          {name}
        </h2>
        {live && <TypeBadge type={live.spec_type} />}
        {live?.spec_type && <ShardStatusBadge catalogName={name} specType={live.spec_type} />}
        <span className="topbar-spacer" />
        {live && capability !== 'admin' && (
          <span className="muted" data-testid="read-only-note">
            Read-only: publishing changes to {name} needs the admin capability (you have{' '}
            {capability ?? 'none'}).
          </span>
        )}
        {live && capability === 'admin' && (
          <button
            onClick={() => void edit()}
            // While the spec reloads, the one shown may be stale: its draft would expect an old publication.
            disabled={editing.loading || spec.loading || live.spec === null}
            title={
              live.spec === null ? 'A deleted name has no spec to edit.' : 'Copy this spec into a new draft'
            }
            data-testid="edit-in-draft"
          >
            {editing.loading ? 'Copying into a draft…' : 'Edit in a draft'}
          </button>
        )}
        <button onClick={() => void loadSpec(name)} disabled={spec.loading} data-testid="spec-reload">
          Reload
        </button>
      </header>
      {editing.error && (
        <ErrorNotice
          error={`The spec could not be copied into a draft. ${editing.error}`}
          testId="edit-error"
        />
      )}
      {spec.error && (
        <ErrorNotice
          error={`${name} could not be loaded. ${spec.error}`}
          testId="spec-error"
          onRetry={() => void loadSpec(name)}
        />
      )}
      {spec.loading && !live && <LoadingLine what={`Loading ${name}`} startedAt={spec.startedAt} />}
      {spec.notFound && spec.name === name && (
        <div className="empty-state" data-testid="spec-not-found">
          <p>
            No live spec named <code>{name}</code> is visible to you: it was never published, or you have no
            read grant on it.
          </p>
          <button onClick={() => navigate(routePath('catalog'))}>Back to the catalog</button>
        </div>
      )}
      {live && (
        <>
          <SpecTabs
            current={tab}
            counts={{ history: history.loading ? undefined : history.rows.length }}
            onSelect={select}
          />
          <div className="catalog-spec-tab-body" role="tabpanel" aria-label={tab}>
            {tab === 'overview' && (
              <SpecOverview
                spec={live}
                latest={history.rows[0] ?? null}
                flows={flows}
                flowsError={graph.error}
              >
                {live.spec_type === 'collection' && <JournalPreview collection={name} />}
              </SpecOverview>
            )}
            {tab === 'history' &&
              (history.error ? (
                <ErrorNotice
                  error={`The history could not be loaded. ${history.error}`}
                  testId="history-error"
                  onRetry={() => void loadSpec(name)}
                />
              ) : history.loading ? (
                <LoadingLine what="Loading the history" startedAt={history.startedAt} />
              ) : (
                <SpecHistory
                  rows={history.rows}
                  from={params.get('from')}
                  to={params.get('to')}
                  onCompare={(from, to) =>
                    navigate(specPath(name, 'history', { from, to }), { replace: true })
                  }
                />
              ))}
            {tab === 'flow' &&
              (graph.error ? (
                <ErrorNotice
                  error={`The data flows could not be loaded. ${graph.error}`}
                  testId="graph-error"
                  onRetry={() => void loadSpec(name)}
                />
              ) : graph.loading || !graph.data ? (
                <LoadingLine what="Loading the data flows" startedAt={graph.startedAt} />
              ) : (
                <SpecFlowGraph data={graph.data} name={name} onOpen={(n) => navigate(specPath(n, 'flow'))} />
              ))}
          </div>
        </>
      )}
    </section>
  );
}
