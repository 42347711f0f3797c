import { useState } from 'react';

/** A connector's logo, or its initials when it has none or the image cannot be loaded (offline). */
export function ConnectorLogo(props: {
  readonly url: string | null;
  readonly title: string;
}): React.JSX.Element {
  const [failed, setFailed] = useState(false);
  if (!props.url || failed) {
    const initials = props.title
      .split(/[\s/-]+/)
      .filter((w) => w !== '')
      .slice(0, 2)
      .map((w) => w[0]?.toUpperCase() ?? '')
      .join('');
    return (
      <span className="connector-logo initials" aria-hidden="true">
        {initials || '?'}
      </span>
    );
  }
  return (
    <img className="connector-logo" src={props.url} alt="" loading="lazy" onError={() => setFailed(true)} />
  );
}
