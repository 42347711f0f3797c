import { routePath, useRouter } from '../../app/router.js';
import { useAuthStore } from '../../stores/auth-store.js';

/** The signed-in user and their roles, always visible; a link to sign in otherwise. */
export function UserBadge(): React.JSX.Element {
  const user = useAuthStore((s) => s.user);
  const roles = useAuthStore((s) => s.roles);
  const busy = useAuthStore((s) => s.busy);
  const signOut = useAuthStore((s) => s.signOut);
  const navigate = useRouter((s) => s.navigate);
  if (!user) {
    return (
      <button className="user-badge" data-testid="user-badge" onClick={() => navigate(routePath('account'))}>
        Not signed in — sign in
      </button>
    );
  }
  const summary = roles.map((r) => `${r.role_prefix} (${r.capability})`).join(', ');
  const first = roles[0];
  return (
    <span className="user-badge" data-testid="user-badge">
      <span className="user-avatar" aria-hidden="true">
        {(user.email ?? '?').slice(0, 1).toUpperCase()}
      </span>
      <span className="user-email" data-testid="user-email" title={user.email ?? undefined}>
        {user.email}
      </span>
      <span className="user-roles" title={summary || 'no roles'}>
        <span aria-hidden="true">
          {roles.length === 0
            ? 'no roles'
            : `${first?.role_prefix ?? ''} ${first?.capability ?? ''}${roles.length > 1 ? ` +${roles.length - 1}` : ''}`}
        </span>
        <span className="visually-hidden" data-testid="user-roles">
          {roles.length === 0 ? 'no roles' : summary}
        </span>
      </span>
      <button onClick={() => void signOut()} disabled={busy !== null}>
        Sign out
      </button>
    </span>
  );
}
