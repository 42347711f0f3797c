import { useStackStore } from '../stores/stack-store.js';

/** Pre-flight results of the last start, each with what to do; and the diagnostics bundle. */
export function ChecksPanel(): React.JSX.Element {
  const checks = useStackStore((s) => s.preflight);
  const act = useStackStore((s) => s.act);
  const api = useStackStore((s) => s.api);
  const diagnostics = useStackStore((s) => s.diagnostics);
  return (
    <section className="panel">
      <h3>Pre-flight checks</h3>
      <ul className="checks">
        {checks.map((c) => (
          <li key={c.check} className={c.ok ? 'ok' : 'fail'}>
            {c.ok ? '✓' : '✕'} <strong>{c.check}</strong>: {c.message}
          </li>
        ))}
      </ul>
      <h3>Diagnostics</h3>
      <p className="muted">
        A zip of logs, service states, settings and versions, with every secret redacted.
      </p>
      <button
        disabled={!api}
        onClick={() =>
          void act('collect diagnostics', async (a) => {
            const result = await a.call('POST /v1/diagnostics', {});
            useStackStore.setState({ diagnostics: `${result.path} (${Math.ceil(result.bytes / 1024)} KB)` });
          })
        }
      >
        Collect diagnostics
      </button>
      {diagnostics && <p data-testid="diagnostics-path">Written to {diagnostics}</p>}
    </section>
  );
}
