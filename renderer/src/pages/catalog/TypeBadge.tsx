import type { CatalogSpecType } from '../../../../shared/control-plane-rows.js';

/** A spec's type as a coloured badge; a deleted name (no type) says so. */
export function TypeBadge(props: { readonly type: CatalogSpecType | null }): React.JSX.Element {
  const kind = props.type ?? 'deleted';
  return (
    <span className={`catalog-type-badge catalog-kind-${kind}`} data-testid="type-badge" data-type={kind}>
      {kind}
    </span>
  );
}
