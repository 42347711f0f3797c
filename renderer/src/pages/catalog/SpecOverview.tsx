import { routePath } from '../../app/router.js';
import type { Json, LiveSpecExtRow, PublicationSpecExtRow } from '../../../../shared/control-plane-rows.js';
import { sealedFieldPaths } from '../../../../shared/sops/sealed-fields.js';
import { flowIdTime } from '../../stores/catalog-store.js';
import { formatTimestamp, localized, userLabel } from './catalog-format.js';
import { ConnectorLabel } from './ConnectorLabel.js';
import { SpecJson } from './SpecJson.js';

function NameLinks(props: { readonly names: readonly string[] | null }): React.JSX.Element {
  if (!props.names || props.names.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="catalog-name-links">
      {props.names.map((name) => (
        <li key={name}>
          <a href={`#${routePath('catalog', name)}`}>{name}</a>
        </li>
      ))}
    </ul>
  );
}

/** The endpoint config of a capture or materialization spec (`endpoint.connector.config`), if any. */
function endpointConfig(spec: Json | null): unknown {
  const endpoint = (spec as { endpoint?: { connector?: { config?: unknown } } } | null)?.endpoint;
  return endpoint?.connector?.config;
}

/** The connector of a capture or materialization: logo, title, image and tag, documentation, secrets. */
function ConnectorFacts(props: { readonly spec: LiveSpecExtRow }): React.JSX.Element {
  const s = props.spec;
  // Fields the oauth function's encrypt-config sealed: the live spec keeps them sops-encrypted.
  const sealed = sealedFieldPaths(endpointConfig(s.spec));
  if (!s.connector_image_name) {
    return (
      <p className="muted" data-testid="spec-connector">
        {s.spec_type === 'collection' || s.spec_type === 'test'
          ? `A ${s.spec_type} runs no connector.`
          : 'No connector image.'}
      </p>
    );
  }
  const description = localized(s.connector_short_description);
  return (
    <div className="catalog-connector-facts" data-testid="spec-connector">
      <ConnectorLabel
        title={s.connector_title}
        logo={s.connector_logo_url}
        imageName={s.connector_image_name}
        imageTag={s.connector_image_tag}
      />
      {description && <p className="muted">{description}</p>}
      <dl className="catalog-spec-facts">
        <dt>Image</dt>
        <dd>
          <code data-testid="connector-image">
            {s.connector_image_name}
            {s.connector_image_tag}
          </code>
        </dd>
        <dt>Documentation</dt>
        <dd>
          {s.connector_tag_documentation_url ? (
            <a href={s.connector_tag_documentation_url} target="_blank" rel="noreferrer">
              {s.connector_tag_documentation_url}
            </a>
          ) : (
            <span className="muted">
              {s.connector_id ? 'none for this tag' : 'this image is not a known connector'}
            </span>
          )}
        </dd>
        {sealed.length > 0 && (
          <>
            <dt>Secrets</dt>
            <dd data-testid="spec-encrypted-fields">
              Encrypted (sops, this stack’s key; only the agent decrypts them, for the connector):{' '}
              {sealed.map((f, i) => (
                <span key={f}>
                  {i > 0 && ', '}
                  <code>{f}</code>
                </span>
              ))}
            </dd>
          </>
        )}
        {s.connector_external_url && (
          <>
            <dt>Website</dt>
            <dd>
              <a href={s.connector_external_url} target="_blank" rel="noreferrer">
                {s.connector_external_url}
              </a>
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}

/** A live spec's connector, last publication, data-flow neighbours and JSON. */
export function SpecOverview(props: {
  readonly spec: LiveSpecExtRow;
  readonly latest: PublicationSpecExtRow | null;
  /** The specs data flows from into this one, and to from it (null while the neighbourhood loads). */
  readonly flows: { readonly from: readonly string[]; readonly to: readonly string[] } | null;
  readonly flowsError: string | null;
  /** Data-plane views for this spec (e.g. a journal preview of a collection), drawn after the JSON. */
  readonly children?: React.ReactNode;
}): React.JSX.Element {
  const { spec, latest } = props;
  // The history row of the last publication has its exact time; the id's time is the request's.
  const when =
    latest?.pub_id === spec.last_pub_id ? new Date(latest.published_at) : flowIdTime(spec.last_pub_id);
  return (
    <div className="catalog-spec-overview">
      <div className="catalog-spec-cards">
        <section className="catalog-spec-card">
          <h3>Connector</h3>
          <ConnectorFacts spec={spec} />
        </section>
        <section className="catalog-spec-card" data-testid="spec-last-publication">
          <h3>Last publication</h3>
          <dl className="catalog-spec-facts">
            <dt>By</dt>
            <dd data-testid="last-pub-user">
              {userLabel(spec.last_pub_user_full_name, spec.last_pub_user_email, spec.last_pub_user_id)}
            </dd>
            <dt>When</dt>
            <dd data-testid="last-pub-when">{formatTimestamp(when)}</dd>
            <dt>Detail</dt>
            <dd data-testid="last-pub-detail">
              {spec.last_pub_detail ?? <span className="muted">none</span>}
            </dd>
            <dt>Publication</dt>
            <dd>
              <code>{spec.last_pub_id}</code>
            </dd>
            <dt>Last build</dt>
            <dd>
              <code>{spec.last_build_id}</code>
            </dd>
          </dl>
        </section>
        <section className="catalog-spec-card" data-testid="spec-flows">
          <h3>Data flow</h3>
          {props.flowsError !== null ? (
            <p role="alert">Could not read the data flows: {props.flowsError}</p>
          ) : props.flows === null ? (
            <p className="muted">Reading the data flows…</p>
          ) : (
            <dl className="catalog-spec-facts">
              <dt>From</dt>
              <dd>
                <NameLinks names={props.flows.from} />
              </dd>
              <dt>To</dt>
              <dd>
                <NameLinks names={props.flows.to} />
              </dd>
            </dl>
          )}
        </section>
      </div>
      {spec.spec === null ? (
        <p className="empty-state" data-testid="spec-deleted">
          This name was deleted by its last publication. Its earlier versions are in the history.
        </p>
      ) : (
        <SpecJson spec={spec.spec} name={spec.catalog_name} />
      )}
      {props.children && <div className="catalog-spec-extra">{props.children}</div>}
    </div>
  );
}
