import type { DraftSpecExtRow } from '../../../../shared/control-plane-rows.js';
import type { SpecError } from '../../lib/spec-errors.js';
import { publicationConflict } from '../../lib/spec-errors.js';
import { useDraftsStore } from '../../stores/drafts-store.js';
import { onListArrowKeys } from './arrow-keys.js';
import { SpecTypeBadge } from './SpecTypeBadge.js';

/** A catalog name that wraps after its slashes, not in the middle of a part. */
function CatalogName({ name }: { readonly name: string }): React.JSX.Element {
  const parts = name.split('/');
  return (
    <span className="spec-name">
      {parts.map((part, i) => (
        <span key={i}>
          {part}
          {i < parts.length - 1 && (
            <>
              /<wbr />
            </>
          )}
        </span>
      ))}
    </span>
  );
}

/** The draft's specs with their type, unsaved changes and errors; choosing one opens it in the editor. */
export function SpecList(props: {
  readonly specs: readonly DraftSpecExtRow[];
  readonly errors: ReadonlyMap<string, readonly SpecError[]>;
  readonly selected: string | null;
  readonly onSelect: (catalogName: string) => void;
}): React.JSX.Element {
  const edits = useDraftsStore((s) => s.edits);
  if (props.specs.length === 0) {
    return (
      <p className="muted spec-list-empty" data-testid="spec-list-empty">
        This draft has no specs yet. Add one from a template below.
      </p>
    );
  }
  return (
    <ul
      className="spec-list"
      aria-label="Specs of this draft"
      data-testid="spec-list"
      onKeyDown={onListArrowKeys}
    >
      {props.specs.map((s) => {
        const errors = props.errors.get(s.catalog_name) ?? [];
        const conflict = errors.some((e) => publicationConflict(e.detail));
        const selected = s.catalog_name === props.selected;
        return (
          <li key={s.catalog_name}>
            <button
              className={`spec-item${selected ? ' selected' : ''}`}
              aria-current={selected ? 'true' : undefined}
              data-nav-item
              data-testid="spec-item"
              data-name={s.catalog_name}
              onClick={() => props.onSelect(s.catalog_name)}
            >
              <CatalogName name={s.catalog_name} />
              <span className="spec-marks">
                <SpecTypeBadge type={s.spec_type} />
                {edits[s.catalog_name] !== undefined && <span className="unsaved-dot">● unsaved</span>}
                {errors.length > 0 && (
                  <span
                    className="error-count"
                    data-testid="spec-error-count"
                    title="Errors of the last publication"
                  >
                    {conflict ? 'conflict' : `${errors.length} error${errors.length === 1 ? '' : 's'}`}
                  </span>
                )}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
