import { useState } from 'react';

import { copyText } from '../../lib/clipboard.js';

/** A spec as pretty JSON with a copy button. */
export function SpecJson(props: { readonly spec: unknown; readonly name: string }): React.JSX.Element {
  const text = JSON.stringify(props.spec, null, 2);
  const [copied, setCopied] = useState<string | null>(null);
  return (
    <figure className="catalog-spec-json">
      <figcaption>
        <strong>Specification</strong>{' '}
        <button
          onClick={() =>
            void copyText(text).then(
              () => setCopied('Copied to the clipboard.'),
              (e: unknown) => setCopied(`Could not copy: ${e instanceof Error ? e.message : String(e)}`),
            )
          }
          data-testid="copy-json"
        >
          Copy JSON
        </button>{' '}
        <span className="muted" role="status">
          {copied}
        </span>
      </figcaption>
      <pre data-testid="spec-json" aria-label={`Specification of ${props.name}`} tabIndex={0}>
        {text}
      </pre>
    </figure>
  );
}
