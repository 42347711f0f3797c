import { useState } from 'react';

/** Puts text on the clipboard; falls back to a hidden text area where the Clipboard API is refused. */
async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // Refused (no permission, not focused): the older way below still works in a user gesture.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('the browser refused to copy');
}

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
