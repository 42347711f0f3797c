import { useStackStore } from '../stores/stack-store.js';

/** The phase of a running operation (start, stop, reset) with its elapsed time; nothing when idle. */
export function StartupProgress({ now }: { readonly now: number }): React.JSX.Element {
  const phase = useStackStore((s) => s.phase);
  const busy = useStackStore((s) => s.busy);
  const busySince = useStackStore((s) => s.busySince);
  const text = phase ? phase.event.message : busy ? `${busy}…` : '';
  const since = phase?.since ?? busySince;
  // Always rendered (empty when idle) so the layout does not jump when an operation starts or ends.
  return (
    <div className="progress" role="status" aria-live="polite" data-testid="progress">
      {text && (
        <>
          <span className="spinner" aria-hidden="true" /> {text}
          {since !== null && <span className="muted"> {(Math.max(0, now - since) / 1000).toFixed(1)}s</span>}
        </>
      )}
    </div>
  );
}
