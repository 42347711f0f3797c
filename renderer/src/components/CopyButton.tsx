import { useEffect, useState } from 'react';

import { copyText } from '../lib/clipboard.js';
import { useToastStore } from '../stores/toast-store.js';

/** Copies text to the clipboard and says so: the button reads "Copied" for a moment, and a toast names what. */
export function CopyButton(props: {
  readonly text: string;
  /** What is copied, for the confirmation ("Copied ANON_KEY"). */
  readonly what: string;
  readonly label?: string;
  readonly testId?: string;
}): React.JSX.Element {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  const copy = async (): Promise<void> => {
    try {
      await copyText(props.text);
      setCopied(true);
      useToastStore.getState().show('good', `Copied ${props.what} to the clipboard.`);
    } catch (e) {
      useToastStore
        .getState()
        .show(
          'bad',
          `Could not copy ${props.what}: ${e instanceof Error ? e.message : String(e)}. Select it and copy by hand.`,
        );
    }
  };
  return (
    <button
      onClick={() => void copy()}
      data-testid={props.testId}
      aria-live="polite"
      className={copied ? 'copied' : undefined}
    >
      {copied ? '✓ Copied' : (props.label ?? 'Copy')}
    </button>
  );
}
