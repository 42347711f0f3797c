import { useState } from 'react';

/** A directive's bearer token: masked until revealed, with a copy button; single-use tokens vanish once used. */
export function DirectiveToken(props: {
  readonly token: string | null;
  readonly singleUse: boolean;
}): React.JSX.Element {
  const [revealed, setRevealed] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);
  if (props.token === null) {
    return <span className="muted">{props.singleUse ? 'used (single-use)' : 'no token'}</span>;
  }
  const token = props.token;
  return (
    <span className="directive-token">
      <code data-testid="directive-token" data-revealed={revealed}>
        {revealed ? token : '••••••••-••••-••••-••••-••••••••••••'}
      </code>
      <button onClick={() => setRevealed(!revealed)}>{revealed ? 'Hide' : 'Reveal'}</button>
      <button
        onClick={() =>
          void navigator.clipboard.writeText(token).then(
            () => setCopied('Copied'),
            (e: unknown) =>
              setCopied(`Copy failed (${e instanceof Error ? e.message : String(e)}): reveal and select it`),
          )
        }
      >
        Copy
      </button>
      {copied && (
        <span className="muted" role="status">
          {copied}
        </span>
      )}
    </span>
  );
}
