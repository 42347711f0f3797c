import { useState } from 'react';

import type { Localized } from '../../../../shared/control-plane-rows.js';
import { localized } from './catalog-format.js';

/** A connector's logo and title; the image name when the connector is not in the connectors table. */
export function ConnectorLabel(props: {
  readonly title: Localized | null;
  readonly logo: Localized | null;
  readonly imageName: string | null;
  readonly imageTag?: string | null;
}): React.JSX.Element | null {
  const title = localized(props.title);
  const logo = localized(props.logo);
  // Logos are remote images: offline (or blocked) they fail, and a neutral square takes their place.
  const [broken, setBroken] = useState<string | null>(null);
  if (!title && !props.imageName) return null;
  const image = props.imageName ? `${props.imageName}${props.imageTag ?? ''}` : null;
  return (
    <span className="catalog-connector-label" title={image ?? undefined} data-testid="connector-label">
      {logo && broken !== logo ? (
        <img src={logo} alt="" width={20} height={20} loading="lazy" onError={() => setBroken(logo)} />
      ) : (
        <span className="catalog-connector-logo-missing" aria-hidden="true" />
      )}
      <span className="catalog-connector-title">{title ?? props.imageName}</span>
    </span>
  );
}
