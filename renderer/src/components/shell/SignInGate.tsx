import { useState } from 'react';

import { codeFromPasted, redeemCode } from '../../api/session.js';
import { InlineCode } from '../InlineCode.js';

/**
 * The GUI's own sign-in, shown when this browser has no session: what happened, how to get a link, and a field to
 * paste it so the tab signs in where it is (a bookmarked `#/catalog?…` stays open).
 */
export function SignInGate(props: {
  readonly reason: string;
  /** The view the tab was opened on, when it is not the home view. */
  readonly returnTo: string | null;
  readonly onSignedIn: () => void;
}): React.JSX.Element {
  const [pasted, setPasted] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (): Promise<void> => {
    setBusy(true);
    setProblem(null);
    try {
      await redeemCode(codeFromPasted(pasted));
      props.onSignedIn();
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in-gate" data-testid="sign-in-gate">
      <div className="sign-in-card">
        <h1>Flow Desktop</h1>
        <h2>Sign in to this GUI</h2>
        <p role="alert" data-testid="sign-in-reason">
          <InlineCode text={props.reason} />
        </p>
        <p>
          Run <code>flow-desktop status</code> in a terminal and open the link it prints under{' '}
          <code>UI_URL</code> (<code>flow-desktop serve</code> prints one when it starts). A link works once,
          within five minutes, and signs in every tab of this browser. Or paste it here:
        </p>
        <form
          className="sign-in-form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <input
            aria-label="Sign-in link"
            placeholder={`${window.location.origin}/#code=…`}
            value={pasted}
            onChange={(e) => setPasted(e.target.value)}
            data-testid="sign-in-link"
            autoFocus
          />
          <button type="submit" className="primary" disabled={busy} data-testid="sign-in-submit">
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        {problem && (
          <p className="field-problem" role="alert" data-testid="sign-in-problem">
            <InlineCode text={problem} />
          </p>
        )}
        {props.returnTo && (
          <p className="muted" data-testid="sign-in-return">
            After signing in you go on to <code>#{props.returnTo}</code>.
          </p>
        )}
      </div>
    </main>
  );
}
