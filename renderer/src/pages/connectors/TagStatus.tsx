import type { ConnectorTagStatus } from '../../../../shared/job-status.js';

/** The label and tone of a connector tag's job status. */
export function tagStatusLabel(status: ConnectorTagStatus): { label: string; tone: 'good' | 'busy' | 'bad' } {
  switch (status.type) {
    case 'queued':
      return { label: 'queued: the agent fetches its spec', tone: 'busy' };
    case 'success':
      return { label: 'ready', tone: 'good' };
    case 'pullFailed':
      return { label: 'pull failed', tone: 'bad' };
    case 'specFailed':
      return { label: 'spec failed', tone: 'bad' };
    case 'openGraphFailed':
      return { label: 'metadata failed', tone: 'bad' };
  }
}

/** A connector tag's job status as a pill. */
export function TagStatus({ status }: { readonly status: ConnectorTagStatus }): React.JSX.Element {
  const { label, tone } = tagStatusLabel(status);
  return (
    <span className={`pill tag-status tone-${tone}`} data-testid="tag-status" data-status={status.type}>
      {status.type === 'queued' && <span className="spinner" aria-hidden="true" />}
      {label}
    </span>
  );
}
