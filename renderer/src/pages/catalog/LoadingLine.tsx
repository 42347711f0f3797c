import { formatDuration } from '../../lib/format.js';
import { useNow } from '../../lib/use-now.js';

/** What is loading and for how long, so a slow answer is never a silent spinner. */
export function LoadingLine(props: {
  readonly what: string;
  readonly startedAt: number | null;
}): React.JSX.Element {
  const now = useNow(250);
  return (
    <p className="catalog-loading-line muted" role="status" data-testid="loading">
      <span className="spinner" aria-hidden="true" /> {props.what}…{' '}
      {props.startedAt !== null && formatDuration(now - props.startedAt)}
    </p>
  );
}
