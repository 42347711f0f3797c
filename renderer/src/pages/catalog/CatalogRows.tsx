import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';

import { ShardStatusBadge } from '../../components/data-plane/ShardStatusBadge.js';
import { useNow } from '../../lib/use-now.js';
import { type CatalogListRow, flowIdTime } from '../../stores/catalog-store.js';
import { formatAgo, formatTimestamp, userLabel } from './catalog-format.js';
import { ConnectorLabel } from './ConnectorLabel.js';
import { TypeBadge } from './TypeBadge.js';

const ROW_HEIGHT = 44;

/** The id of a row's element, for aria-activedescendant. */
function rowId(index: number): string {
  return `catalog-row-${index}`;
}

/**
 * A page of live specs as a virtualised listbox (a page may hold 500 rows): arrow keys, Home and End move the
 * selection, Enter or a click opens the spec.
 */
export function CatalogRows(props: {
  readonly rows: readonly CatalogListRow[];
  readonly selected: number;
  readonly onSelect: (index: number) => void;
  readonly onOpen: (row: CatalogListRow) => void;
  readonly busy: boolean;
}): React.JSX.Element {
  const { rows, selected, onSelect, onOpen } = props;
  const parent = useRef<HTMLDivElement>(null);
  const now = useNow(30_000);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => parent.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  useEffect(() => {
    if (rows.length > 0) virtualizer.scrollToIndex(selected, { align: 'auto' });
  }, [selected, rows.length, virtualizer]);

  const onKeyDown = (e: React.KeyboardEvent): void => {
    const last = rows.length - 1;
    const page = Math.max(1, Math.floor((parent.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: Math.min(last, selected + 1),
      ArrowUp: Math.max(0, selected - 1),
      Home: 0,
      End: last,
      PageDown: Math.min(last, selected + page),
      PageUp: Math.max(0, selected - page),
    };
    const next = moves[e.key];
    if (next !== undefined && last >= 0) {
      e.preventDefault();
      onSelect(next);
    } else if (e.key === 'Enter') {
      const row = rows[selected];
      if (row) {
        e.preventDefault();
        onOpen(row);
      }
    }
  };

  return (
    <div className={`catalog-table ${props.busy ? 'busy' : ''}`}>
      <div className="catalog-row catalog-head" aria-hidden="true">
        <span>Name</span>
        <span>Type</span>
        <span>Connector</span>
        <span>Last publication</span>
        <span>Status</span>
      </div>
      <div
        className="catalog-scroll"
        ref={parent}
        role="listbox"
        tabIndex={0}
        aria-label="Live specs (arrow keys to move, Enter to open)"
        aria-activedescendant={rows.length > 0 ? rowId(selected) : undefined}
        onKeyDown={onKeyDown}
        data-testid="catalog-rows"
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index]!;
            const published = flowIdTime(row.last_pub_id);
            return (
              <div
                key={row.id}
                id={rowId(item.index)}
                role="option"
                aria-selected={item.index === selected}
                className={`catalog-row ${item.index === selected ? 'selected' : ''}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={() => {
                  onSelect(item.index);
                  onOpen(row);
                }}
                data-testid="catalog-row"
                data-name={row.catalog_name}
              >
                <span className="catalog-name" title={row.catalog_name}>
                  {row.catalog_name}
                </span>
                <span>
                  <TypeBadge type={row.spec_type} />
                </span>
                <span className="catalog-connector">
                  <ConnectorLabel
                    title={row.connector_title}
                    logo={row.connector_logo_url}
                    imageName={row.connector_image_name}
                    imageTag={row.connector_image_tag}
                  />
                </span>
                <span className="catalog-published" title={row.last_pub_detail ?? undefined}>
                  <span className="catalog-who">
                    {userLabel(row.last_pub_user_full_name, row.last_pub_user_email)}
                  </span>
                  <span className="muted" title={formatTimestamp(published)}>
                    {formatAgo(published, now)}
                  </span>
                </span>
                <span className="catalog-status">
                  {row.spec_type && (
                    <ShardStatusBadge catalogName={row.catalog_name} specType={row.spec_type} />
                  )}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
