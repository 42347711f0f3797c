import { routePath } from '../../app/router.js';
import { JobProgress } from '../../components/jobs/JobProgress.js';
import type { PublicationRun } from '../../stores/drafts-store.js';

/** What a finished dry run or publication did, in a sentence, and how far the catalog was checked. */
function outcome(
  run: PublicationRun,
): { tone: 'good' | 'warn' | 'bad'; text: string; checks: string | null } | null {
  const status = run.status;
  if (!status || status.type === 'queued') return null;
  const what = run.dryRun ? 'The dry run' : 'The publication';
  const checks = status.checks?.summary ?? null;
  if (status.type !== 'success') {
    return {
      tone: 'bad',
      text: `${what} failed: ${run.dryRun ? 'the draft would not publish' : 'nothing was published'}. Each error is shown next to the spec it names, below.`,
      checks,
    };
  }
  const specs = `${status.changed} spec${status.changed === 1 ? '' : 's'}`;
  const expanded = status.expanded > 0 ? ` and ${status.expanded} connected spec(s)` : '';
  const change = run.dryRun
    ? `Publishing would change ${specs}${expanded}. Nothing was changed.`
    : `Published ${specs}${expanded}.`;
  // Without a Flow build the catalog passed Flow Desktop's own checks only: a warning, not a success.
  const notBuilt =
    status.warning ?? (status.dataPlane.mode === 'skipped' ? status.dataPlane.reason : undefined);
  if (notBuilt) {
    return {
      tone: 'warn',
      text: `${run.dryRun ? 'Dry run' : 'Publication'} ${notBuilt}. ${change} Flow's build and tests did not run, so Flow may still refuse what only it can check (connectors, TypeScript, test documents).`,
      checks,
    };
  }
  return {
    tone: 'good',
    text: run.dryRun ? `Dry run succeeded: ${change.charAt(0).toLowerCase()}${change.slice(1)}` : change,
    checks,
  };
}

/** The progress of the draft's dry run or publication, its logs, and its result with links to the catalog. */
export function PublishPanel({ run }: { readonly run: PublicationRun }): React.JSX.Element {
  const result = outcome(run);
  return (
    <div className="publish-panel" data-testid="publish-panel">
      <JobProgress table="publications" id={run.id} title={run.dryRun ? 'Dry run' : 'Publishing'} />
      {result && (
        <div
          className={`publication-result tone-${result.tone}`}
          data-testid="publication-result"
          data-status={run.status?.type}
          data-tone={result.tone}
          role={result.tone === 'good' ? 'status' : 'alert'}
        >
          <p>{result.text}</p>
          {result.checks && (
            <p className="muted" data-testid="publication-checks">
              Checks: {result.checks}
            </p>
          )}
          {run.published.length > 0 && (
            <ul className="published-specs" aria-label="Published specs">
              {run.published.map((s) => (
                <li key={s.catalog_name}>
                  <a href={`#${routePath('catalog', s.catalog_name)}`} data-testid="published-spec">
                    {s.catalog_name}
                  </a>{' '}
                  <span className="muted">{s.spec_type ?? 'deleted'}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
