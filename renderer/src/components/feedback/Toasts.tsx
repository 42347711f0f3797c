import { useToastStore } from '../../stores/toast-store.js';

/** The toasts, bottom right, announced politely to screen readers. */
export function Toasts(): React.JSX.Element {
  const toasts = useToastStore((s) => s.toasts);
  const dismiss = useToastStore((s) => s.dismiss);
  return (
    <div className="toasts" aria-live="polite" data-testid="toasts">
      {toasts.map((t) => {
        const [sentence, ...detail] = t.text.split('\n');
        return (
          <div key={t.id} className={`toast toast-${t.tone}`} role={t.tone === 'bad' ? 'alert' : 'status'}>
            <span>
              {sentence}
              {detail.length > 0 && <span className="notice-detail">{detail.join('\n')}</span>}
            </span>
            <button className="link" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              ×
            </button>
          </div>
        );
      })}
    </div>
  );
}
