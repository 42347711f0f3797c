import { routePath } from '../../app/router.js';
import { JobProgress } from '../../components/jobs/JobProgress.js';
import type { PublicationRun } from '../../stores/drafts-store.js';

/** What a finished dry run or publication did, in a sentence. */
function outcome(run: PublicationRun): { tone: 'good' | 'bad'; text: string } | null {
  const status = run.status;
  if (!status || status.type === 'queued') return null;
  const what = run.dryRun ? 'The dry run' : 'The publication';
  if (status.type !== 'success') {
    return {
      tone: 'bad',
      text: `${what} failed: ${run.dryRun ? 'the draft would not publish' : 'nothing was published'}. Each error is shown next to the spec it names, below.`,
    };
  }
  const mode =
    status.dataPlane.mode === 'skipped'
      ? ' Build, test and activation were skipped: no Flow binaries are configured (control-plane-only mode).'
      : '';
  const specs = `${status.changed} spec${status.changed === 1 ? '' : 's'}`;
  const expanded = status.expanded > 0 ? ` and ${status.expanded} connected spec(s)` : '';
  return {
    tone: 'good',
    text: run.dryRun
      ? `Dry run succeeded: publishing would change ${specs}${expanded}. Nothing was changed.${mode}`
      : `Published ${specs}${expanded}.${mode}`,
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
          role={result.tone === 'bad' ? 'alert' : 'status'}
        >
          <p>{result.text}</p>
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
