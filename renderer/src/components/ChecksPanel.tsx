import { useState } from 'react';

import { base64Bytes, downloadBlob, formatClock } from '../lib/format.js';
import { useNow } from '../lib/use-now.js';
import { useStackStore } from '../stores/stack-store.js';
import { ErrorNotice } from './feedback/ErrorNotice.js';

/** Pre-flight results (re-runnable, with when they ran), and the diagnostics bundle as a download. */
export function ChecksPanel(): React.JSX.Element {
  const report = useStackStore((s) => s.preflight);
  const problem = useStackStore((s) => s.preflightError);
  const running = useStackStore((s) => s.preflightRunning);
  const rerun = useStackStore((s) => s.rerunPreflight);
  const act = useStackStore((s) => s.act);
  const busy = useStackStore((s) => s.busy);
  const api = useStackStore((s) => s.api);
  const [saved, setSaved] = useState<string | null>(null);
  const now = useNow(5000);
  const collect = (): Promise<void> =>
    act(
      'Collect diagnostics',
      async (a) => {
        setSaved(null);
        const result = await a.call('POST /v1/diagnostics', { inline: true });
        const name = result.path.split(/[\\/]/).pop() ?? 'flow-desktop-diagnostics.zip';
        if (result.base64)
          downloadBlob(name, new Blob([base64Bytes(result.base64)], { type: 'application/zip' }));
        setSaved(
          `${name} (${Math.ceil(result.bytes / 1024)} KB) was downloaded; a copy is at ${result.path}.`,
        );
        return result;
      },
      () => 'Diagnostics collected.',
    );
  return (
    <section className="panel checks-panel">
      <header className="panel-head">
        <h2>Pre-flight checks</h2>
        <span className="muted" data-testid="preflight-ran-at">
          {report?.ranAt ? `Ran at ${formatClock(report.ranAt, now)}` : report ? 'Not run yet' : ''}
        </span>
        <span className="spacer" />
        <button onClick={() => void rerun()} disabled={!api || running} data-testid="preflight-rerun">
          {running ? 'Checking…' : 'Run the checks again'}
        </button>
      </header>
      {problem && <ErrorNotice error={problem} controlPlane={false} onRetry={() => void rerun()} />}
      {report && (
        <ul className="checks" data-testid="preflight-checks">
          {report.checks.map((c) => {
            const tone = c.ok ? 'ok' : c.warning ? 'warn' : 'fail';
            return (
              <li
                key={c.check}
                className={tone}
                data-testid="preflight-check"
                data-check={c.check}
                data-tone={tone}
              >
                <span className="check-icon" aria-hidden="true">
                  {c.ok ? '✓' : c.warning ? '!' : '✕'}
                </span>
                <strong>{c.check}</strong>
                <span>{c.message}</span>
              </li>
            );
          })}
        </ul>
      )}
      {!report && !problem && <p className="muted">Loading the pre-flight results…</p>}
      <h2>Diagnostics</h2>
      <p className="muted">
        A zip of logs, service states, settings and versions, with every secret redacted, to attach to a bug
        report.
      </p>
      <button className="primary" disabled={!api || busy !== null} onClick={() => void collect()}>
        {busy === 'Collect diagnostics' ? 'Collecting…' : 'Download diagnostics'}
      </button>
      {saved && (
        <p role="status" data-testid="diagnostics-path">
          {saved}
        </p>
      )}
    </section>
  );
}
