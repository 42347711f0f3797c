import { useMemo } from 'react';

import { diffJson } from '../../lib/json-diff.js';

/** A unified diff of two JSON values, with labels for each side; "No differences" when they are equal. */
export function JsonDiff(props: {
  readonly before: unknown;
  readonly after: unknown;
  readonly beforeLabel: string;
  readonly afterLabel: string;
}): React.JSX.Element {
  const lines = useMemo(() => diffJson(props.before, props.after), [props.before, props.after]);
  const changed = lines.some((l) => l.kind !== 'same');
  return (
    <figure className="json-diff" data-testid="json-diff">
      <figcaption>
        <span className="diff-removed">− {props.beforeLabel}</span>{' '}
        <span className="diff-added">+ {props.afterLabel}</span>
      </figcaption>
      {changed ? (
        <pre>
          {lines.map((line, i) => (
            <div key={i} className={`diff-${line.kind}`} data-kind={line.kind}>
              {line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '- ' : '  '}
              {line.text}
            </div>
          ))}
        </pre>
      ) : (
        <p className="muted">No differences.</p>
      )}
    </figure>
  );
}
