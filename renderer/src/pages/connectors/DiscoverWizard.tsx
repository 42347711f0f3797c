import { useEffect } from 'react';

import { routePath, useRouter } from '../../app/router.js';
import {
  type ConnectorTagDetail,
  connectorTitle,
  useConnectorsStore,
} from '../../stores/connectors-store.js';
import { DiscoverForm } from './DiscoverForm.js';
import { Step } from './WizardStep.js';
import { TagStatus } from './TagStatus.js';

/**
 * The discover wizard: pick a connector tag, configure its endpoint (a form generated from the tag's endpoint
 * schema), name the capture, then follow the discover until its draft can be opened.
 */
export function DiscoverWizard({ tagId }: { readonly tagId: string | null }): React.JSX.Element {
  const loaded = useConnectorsStore((s) => s.loaded);
  const load = useConnectorsStore((s) => s.load);
  const tag = useConnectorsStore((s) => s.tag);
  const tagLoading = useConnectorsStore((s) => s.tagLoading);
  const tagError = useConnectorsStore((s) => s.tagError);
  const loadTag = useConnectorsStore((s) => s.loadTag);
  const navigate = useRouter((s) => s.navigate);

  useEffect(() => {
    if (!loaded) void load();
  }, [loaded, load]);
  useEffect(() => {
    if (tagId) void loadTag(tagId);
  }, [tagId, loadTag]);

  const current = tag && tag.id === tagId ? tag : null;
  return (
    <section className="panel discover-wizard" data-testid="discover-wizard">
      <p className="breadcrumb">
        <a
          href={`#${routePath('connectors')}`}
          onClick={(e) => {
            e.preventDefault();
            navigate(routePath('connectors'));
          }}
        >
          Connectors
        </a>{' '}
        › Discover a capture
      </p>
      <h2>Discover a capture</h2>
      <Step n={1} title="Connector">
        <TagPicker tagId={tagId} current={current} />
        {current && <TagSummary tag={current} />}
      </Step>
      {!tagId ? (
        <p className="muted">Pick the connector tag to discover with.</p>
      ) : tagError ? (
        <p className="banner" role="alert">
          {tagError}
        </p>
      ) : !current ? (
        <p className="muted" role="status">
          <span className="spinner inline" aria-hidden="true" /> Loading the connector tag…
        </p>
      ) : (
        <TagBody tag={current} refreshing={tagLoading} />
      )}
    </section>
  );
}

/** What the chosen tag allows: the form, or why there is none. */
function TagBody(props: {
  readonly tag: ConnectorTagDetail;
  readonly refreshing: boolean;
}): React.JSX.Element {
  const { tag } = props;
  const loadTag = useConnectorsStore((s) => s.loadTag);
  if (tag.protocol === 'materialization') {
    return (
      <p className="discover-notice" data-testid="discover-unavailable">
        {connectorTitle(tag.connectors)} is a materialization connector: discover works with capture
        connectors.
      </p>
    );
  }
  if (tag.endpoint_spec_schema === null) {
    const status = tag.job_status;
    return (
      <div className="discover-notice" data-testid="discover-unavailable">
        <p>
          <strong>This tag has no endpoint schema yet</strong>: the agent has not fetched the connector&apos;s
          spec, so there is nothing to configure.{' '}
          {status.type === 'queued'
            ? 'Its job is still queued: wait for an agent to pick it up.'
            : `Its job ended with “${status.type}”.`}
        </p>
        {'error' in status && <p className="tag-error">{status.error}</p>}
        <p className="muted">
          The agent needs Docker (to pull the image) and the Flow binaries (Settings → Flow bin directory) to
          fetch a spec.
        </p>
        <button onClick={() => void loadTag(tag.id)} disabled={props.refreshing}>
          {props.refreshing ? 'Checking…' : 'Check again'}
        </button>
      </div>
    );
  }
  return <DiscoverForm key={tag.id} tag={tag} />;
}

function TagPicker(props: {
  readonly tagId: string | null;
  readonly current: ConnectorTagDetail | null;
}): React.JSX.Element {
  const { tagId, current } = props;
  const connectors = useConnectorsStore((s) => s.connectors);
  const navigate = useRouter((s) => s.navigate);
  const options = connectors.flatMap((c) =>
    c.connector_tags
      .filter((t) => t.protocol !== 'materialization')
      .map((t) => ({ id: t.id, label: `${connectorTitle(c)} — ${c.image_name}${t.image_tag}` })),
  );
  const known = tagId === null || options.some((o) => o.id === tagId);
  return (
    <label className="field">
      <span>Connector tag</span>
      <select
        value={tagId ?? ''}
        data-testid="tag-picker"
        onChange={(e) => navigate(routePath('connectors', 'discover', e.target.value), { replace: true })}
      >
        {tagId === null && <option value="">Choose a connector…</option>}
        {!known && tagId !== null && (
          // A tag added since the list was loaded: named from the tag itself once it is loaded.
          <option value={tagId}>
            {current
              ? `${connectorTitle(current.connectors)} — ${current.connectors.image_name}${current.image_tag}`
              : tagId}
          </option>
        )}
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function TagSummary({ tag }: { readonly tag: ConnectorTagDetail }): React.JSX.Element {
  return (
    <p className="tag-summary">
      <code>
        {tag.connectors.image_name}
        {tag.image_tag}
      </code>{' '}
      <TagStatus status={tag.job_status} />{' '}
      {tag.documentation_url && (
        <a href={tag.documentation_url} target="_blank" rel="noreferrer">
          Documentation
        </a>
      )}
    </p>
  );
}
