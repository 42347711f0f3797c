import './account.css';

import { useAuthStore } from '../../stores/auth-store.js';
import { MagicLinkPanel } from './MagicLinkPanel.js';
import { SessionPanel } from './SessionPanel.js';
import { SignInPanel } from './SignInPanel.js';
import { ErrorNotice } from '../../components/feedback/ErrorNotice.js';

/** Sign-in to the control plane (seeded users, password, magic link) and the signed-in session. */
export function AccountPage(): React.JSX.Element {
  const ready = useAuthStore((s) => s.ready);
  const user = useAuthStore((s) => s.user);
  const busy = useAuthStore((s) => s.busy);
  const error = useAuthStore((s) => s.error);
  const notice = useAuthStore((s) => s.notice);
  return (
    <div className="account-page" data-testid="account-page">
      <h2>Account</h2>
      <div className="account-status" aria-live="polite">
        {busy ? (
          <p className="busy-line" data-testid="account-busy">
            <span className="spinner" aria-hidden="true" /> {busy}
          </p>
        ) : !ready ? (
          <p className="muted">Reading the saved session…</p>
        ) : (
          notice && (
            <p className="account-notice" data-testid="account-notice">
              {notice}
            </p>
          )
        )}
        {error && <ErrorNotice error={error} testId="account-error" />}
      </div>
      <div className="account-grid">
        {user && <SessionPanel />}
        <SignInPanel />
        <MagicLinkPanel />
      </div>
    </div>
  );
}
