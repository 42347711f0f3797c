import type { CatalogSpecType } from '../../../../shared/control-plane-rows.js';

/** A spec's type as a coloured badge; null (a deletion) shows as "delete". */
export function SpecTypeBadge({ type }: { readonly type: CatalogSpecType | null }): React.JSX.Element {
  return (
    <span className={`type-badge type-${type ?? 'delete'}`} data-testid="spec-type-badge">
      {type ?? 'delete'}
    </span>
  );
}
