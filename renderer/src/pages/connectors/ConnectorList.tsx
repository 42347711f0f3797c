import { useEffect, useMemo, useState } from 'react';

import { connectorTitle, localized, useConnectorsStore } from '../../stores/connectors-store.js';
import { ConnectorCard } from './ConnectorCard.js';
import { QueryStates } from '../../components/feedback/QueryStates.js';

/** While a tag is queued the agent is working on it: refresh this often to show its outcome. */
const QUEUED_REFRESH_MS = 2000;

/** The connector cards with a search box; refreshes while the agent is still fetching some tag. */
export function ConnectorList(): React.JSX.Element {
  const connectors = useConnectorsStore((s) => s.connectors);
  const loading = useConnectorsStore((s) => s.loading);
  const loaded = useConnectorsStore((s) => s.loaded);
  const error = useConnectorsStore((s) => s.error);
  const load = useConnectorsStore((s) => s.load);
  const [search, setSearch] = useState('');

  useEffect(() => {
    void load();
  }, [load]);

  const anyQueued = connectors.some((c) => c.connector_tags.some((t) => t.job_status.type === 'queued'));
  useEffect(() => {
    if (!anyQueued || loading) return;
    const timer = setTimeout(() => void load(), QUEUED_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [anyQueued, loading, load]);

  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase();
    if (needle === '') return connectors;
    return connectors.filter((c) =>
      [connectorTitle(c), c.image_name, localized(c.short_description) ?? ''].some((text) =>
        text.toLowerCase().includes(needle),
      ),
    );
  }, [connectors, search]);

  return (
    <section className="connectors" data-testid="connectors-page">
      <div className="toolbar">
        <h2 className="page-title">Connectors</h2>
        <input
          type="search"
          placeholder="Search by name, image or description"
          aria-label="Search connectors"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <button onClick={() => void load()} disabled={loading}>
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
        <span className="muted" data-testid="connector-count">
          {loaded && !error ? `${shown.length} of ${connectors.length} connectors` : ''}
        </span>
      </div>
      <QueryStates
        state={{ error, hasData: loaded }}
        empty={connectors.length === 0}
        what="the connectors"
        name="connectors"
        onRetry={() => void load()}
        emptyContent={
          <>
            <h3>No connectors yet</h3>
            <p>
              Connectors are rows of the <code>connectors</code> table with a tag in{' '}
              <code>connector_tags</code>; the seed adds three. Reset the database (Resets) to get them back,
              or insert your own.
            </p>
          </>
        }
      >
        {shown.length === 0 && <p className="muted">No connector matches “{search}”.</p>}
        <div className="connector-grid">
          {shown.map((c) => (
            <ConnectorCard key={c.id} connector={c} />
          ))}
        </div>
      </QueryStates>
    </section>
  );
}
