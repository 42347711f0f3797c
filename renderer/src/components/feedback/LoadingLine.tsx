import { useState } from 'react';

import { formatDuration } from '../../lib/format.js';
import { useNow } from '../../lib/use-now.js';

/**
 * What is loading and for how long, so a slow answer is never a silent spinner. Without `startedAt` the time
 * counts from when the line appeared.
 */
export function LoadingLine(props: {
  readonly what: string;
  readonly startedAt: number | null;
  readonly testId?: string;
}): React.JSX.Element {
  const now = useNow(250);
  const [shownAt] = useState(() => Date.now());
  const since = props.startedAt ?? shownAt;
  return (
    <p className="loading-line muted" role="status" data-testid={props.testId ?? 'loading'}>
      <span className="spinner" aria-hidden="true" /> {props.what}… {formatDuration(Math.max(0, now - since))}
    </p>
  );
}
