import { routePath, useRouter } from '../../app/router.js';
import {
  type ConnectorCardRow,
  type ConnectorTagSummary,
  connectorTitle,
  localized,
  useConnectorsStore,
} from '../../stores/connectors-store.js';
import { ConnectorLogo } from './ConnectorLogo.js';
import { TagStatus } from './TagStatus.js';

/** One connector: logo, title and description from Open Graph, its link, and its tags with their status. */
export function ConnectorCard({ connector }: { readonly connector: ConnectorCardRow }): React.JSX.Element {
  const title = connectorTitle(connector);
  const description = localized(connector.short_description);
  return (
    <article className="connector-card" data-testid="connector-card" data-image={connector.image_name}>
      <header className="connector-head">
        <ConnectorLogo url={localized(connector.logo_url)} title={title} />
        <div className="connector-names">
          <h3>{title}</h3>
          <code className="muted">{connector.image_name}</code>
        </div>
        {connector.recommended && <span className="pill recommended">recommended</span>}
      </header>
      <p className="connector-description">{description ?? 'No description yet.'}</p>
      <a className="connector-link" href={connector.external_url} target="_blank" rel="noreferrer">
        {connector.external_url}
      </a>
      {connector.connector_tags.length === 0 ? (
        <p className="muted">No tags: an admin adds one (a connector_tags row) for the agent to fetch.</p>
      ) : (
        <ul className="tag-list" aria-label={`Tags of ${title}`}>
          {connector.connector_tags.map((tag) => (
            <TagItem key={tag.id} tag={tag} />
          ))}
        </ul>
      )}
    </article>
  );
}

function TagItem({ tag }: { readonly tag: ConnectorTagSummary }): React.JSX.Element {
  const navigate = useRouter((s) => s.navigate);
  const retrying = useConnectorsStore((s) => s.retrying);
  const retryError = useConnectorsStore((s) => (s.retryError?.tagId === tag.id ? s.retryError.text : null));
  const retryTag = useConnectorsStore((s) => s.retryTag);
  const status = tag.job_status;
  // Any failed job (pull, spec, Open Graph) can run again: the agent repeats the whole tag job.
  const failed = status.type !== 'queued' && status.type !== 'success';
  return (
    <li className="tag-item" data-testid="connector-tag" data-tag={tag.image_tag} data-status={status.type}>
      <div className="tag-line">
        <code className="tag-name">{tag.image_tag}</code>
        <TagStatus status={status} />
        {tag.protocol && <span className="muted">{tag.protocol}</span>}
        <span className="topbar-spacer" />
        {tag.documentation_url && (
          <a href={tag.documentation_url} target="_blank" rel="noreferrer">
            Docs
          </a>
        )}
        {failed && (
          <button
            data-testid="tag-retry"
            disabled={retrying !== null}
            title="Queue this tag's job again: the agent pulls the image and fetches its spec anew"
            onClick={() => void retryTag(tag.id)}
          >
            {retrying === tag.id ? 'Queuing…' : 'Retry'}
          </button>
        )}
        {/* Only a capture discovers; a tag whose spec is not fetched yet has no protocol to tell. */}
        {tag.protocol === 'capture' && (
          <button onClick={() => navigate(routePath('connectors', 'discover', tag.id))}>Discover</button>
        )}
      </div>
      {'error' in status && (
        <p className="tag-error" data-testid="tag-error">
          {status.error}
        </p>
      )}
      {retryError && (
        <p className="tag-error" role="alert" data-testid="tag-retry-error">
          The retry was refused: {retryError}
        </p>
      )}
    </li>
  );
}
