import type { PublicationSpecExtRow } from '../../../../shared/control-plane-rows.js';
import { JsonDiff } from '../../components/json/JsonDiff.js';
import { formatTimestamp, userLabel } from './catalog-format.js';
import { TypeBadge } from './TypeBadge.js';

/** The two versions compared: those the route names, else the latest against the one before it. */
export function pickVersions(
  rows: readonly PublicationSpecExtRow[],
  from: string | null,
  to: string | null,
): { from: PublicationSpecExtRow | null; to: PublicationSpecExtRow | null } {
  const find = (id: string | null): PublicationSpecExtRow | null =>
    id === null ? null : (rows.find((r) => r.pub_id === id) ?? null);
  return { from: find(from) ?? rows[1] ?? null, to: find(to) ?? rows[0] ?? null };
}

function versionLabel(row: PublicationSpecExtRow): string {
  return `${row.pub_id} (${formatTimestamp(row.published_at)})`;
}

/**
 * Every published version of a spec, newest first, and the diff between any two of them: pick the older
 * side in the first column and the newer side in the second.
 */
export function SpecHistory(props: {
  readonly rows: readonly PublicationSpecExtRow[];
  readonly from: string | null;
  readonly to: string | null;
  readonly onCompare: (from: string, to: string) => void;
}): React.JSX.Element {
  const { rows, onCompare } = props;
  const { from, to } = pickVersions(rows, props.from, props.to);
  if (rows.length === 0) {
    return (
      <p className="empty-state" data-testid="history-empty">
        No history is visible for this spec.
      </p>
    );
  }
  return (
    <div className="catalog-spec-history">
      <table className="catalog-history-table" data-testid="history">
        <caption className="muted">
          {rows.length === 1
            ? 'One version: publish a change to compare versions.'
            : `${rows.length} versions, newest first. Choose the two to compare (−: from, +: to).`}
        </caption>
        <thead>
          <tr>
            <th scope="col" title="Compare from this version">
              −
            </th>
            <th scope="col" title="Compare to this version">
              +
            </th>
            <th scope="col">Publication</th>
            <th scope="col">Type</th>
            <th scope="col">By</th>
            <th scope="col">When</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr
              key={row.pub_id}
              data-testid="history-row"
              data-pub-id={row.pub_id}
              className={row === from || row === to ? 'compared' : ''}
            >
              <td>
                <input
                  type="radio"
                  name="history-from"
                  checked={row === from}
                  disabled={rows.length < 2}
                  onChange={() => onCompare(row.pub_id, to?.pub_id ?? row.pub_id)}
                  aria-label={`Compare from version ${rows.length - i}`}
                  data-testid="compare-from"
                />
              </td>
              <td>
                <input
                  type="radio"
                  name="history-to"
                  checked={row === to}
                  disabled={rows.length < 2}
                  onChange={() => onCompare(from?.pub_id ?? row.pub_id, row.pub_id)}
                  aria-label={`Compare to version ${rows.length - i}`}
                  data-testid="compare-to"
                />
              </td>
              <td>
                <code>{row.pub_id}</code>
                {i === 0 && <span className="catalog-latest-tag">latest</span>}
              </td>
              <td>
                <TypeBadge type={row.spec_type} />
              </td>
              <td>{userLabel(row.user_full_name, row.user_email, row.user_id)}</td>
              <td>{formatTimestamp(row.published_at)}</td>
              <td>{row.detail ?? <span className="muted">none</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {from && to && rows.length > 1 && (
        <section aria-label="Differences between the chosen versions">
          <h3>
            Changes from <code>{from.pub_id}</code> to <code>{to.pub_id}</code>
          </h3>
          <JsonDiff
            before={from.spec}
            after={to.spec}
            beforeLabel={versionLabel(from)}
            afterLabel={versionLabel(to)}
          />
        </section>
      )}
    </div>
  );
}
