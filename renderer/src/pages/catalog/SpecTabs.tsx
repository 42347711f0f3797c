import { SPEC_TABS, type SpecTab } from './catalog-route.js';

/** The tabs of a spec's page; Left and Right move between them. */
export function SpecTabs(props: {
  readonly current: SpecTab;
  readonly counts: Partial<Record<SpecTab, number>>;
  readonly onSelect: (tab: SpecTab) => void;
}): React.JSX.Element {
  const index = SPEC_TABS.findIndex((t) => t.tab === props.current);
  const onKeyDown = (e: React.KeyboardEvent): void => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    e.preventDefault();
    const next = SPEC_TABS[(index + step + SPEC_TABS.length) % SPEC_TABS.length];
    if (next) props.onSelect(next.tab);
  };
  return (
    <div className="tabs catalog-spec-tabs" role="tablist" aria-label="Spec views" onKeyDown={onKeyDown}>
      {SPEC_TABS.map(({ tab, label }) => (
        <button
          key={tab}
          role="tab"
          aria-selected={tab === props.current}
          tabIndex={tab === props.current ? 0 : -1}
          className={tab === props.current ? 'active' : ''}
          onClick={() => props.onSelect(tab)}
          ref={(el) => {
            if (el && tab === props.current && document.activeElement?.getAttribute('role') === 'tab')
              el.focus();
          }}
          data-testid={`tab-${tab}`}
        >
          {label}
          {props.counts[tab] !== undefined && <span className="catalog-tab-count"> {props.counts[tab]}</span>}
        </button>
      ))}
    </div>
  );
}
