import { formatDuration } from '../../lib/format.js';
import { useNow } from '../../lib/use-now.js';
import { useAuthStore } from '../../stores/auth-store.js';

/** The signed-in user, their roles (`auth_roles`) and their session's expiry, with refresh and sign-out. */
export function SessionPanel(): React.JSX.Element | null {
  const user = useAuthStore((s) => s.user);
  const session = useAuthStore((s) => s.session);
  const roles = useAuthStore((s) => s.roles);
  const busy = useAuthStore((s) => s.busy);
  const refreshedAt = useAuthStore((s) => s.refreshedAt);
  const refresh = useAuthStore((s) => s.refreshSession);
  const signOut = useAuthStore((s) => s.signOut);
  const now = useNow(1000);
  if (!user || !session) return null;
  const expiresAt = (session.expires_at ?? 0) * 1000;
  return (
    <section className="panel account-card session-panel" aria-labelledby="session-title">
      <h3 id="session-title">Signed in</h3>
      <dl className="facts">
        <dt>User</dt>
        <dd data-testid="account-email">{user.email}</dd>
        <dt>User id</dt>
        <dd>
          <code>{user.id}</code>
        </dd>
        <dt>Session expires</dt>
        <dd data-testid="session-expiry" data-expires-at={session.expires_at}>
          {new Date(expiresAt).toLocaleString()} (
          {expiresAt > now ? `in ${formatDuration(expiresAt - now)}` : 'expired'}){' '}
          <span className="muted">— refreshed automatically before it expires</span>
        </dd>
        {refreshedAt !== null && (
          <>
            <dt>Last refreshed</dt>
            <dd data-testid="session-refreshed">{new Date(refreshedAt).toLocaleTimeString()}</dd>
          </>
        )}
      </dl>
      <h4>Roles</h4>
      {roles.length === 0 ? (
        <p className="muted">No roles: this user may not read or change any catalog prefix yet.</p>
      ) : (
        <table className="roles-table" data-testid="account-roles">
          <thead>
            <tr>
              <th>Prefix</th>
              <th>Capability</th>
            </tr>
          </thead>
          <tbody>
            {roles.map((r) => (
              <tr key={r.role_prefix}>
                <td>
                  <code>{r.role_prefix}</code>
                </td>
                <td>{r.capability}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="actions">
        <button disabled={busy !== null} onClick={() => void refresh()}>
          Refresh session
        </button>
        <button disabled={busy !== null} onClick={() => void signOut()}>
          Sign out
        </button>
      </div>
    </section>
  );
}
