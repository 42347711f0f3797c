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
  return (
    <span className="user-badge" data-testid="user-badge">
      <span data-testid="user-email">{user.email}</span>
      <span className="muted" data-testid="user-roles" title={summary}>
        {roles.length === 0 ? 'no roles' : summary}
      </span>
      <button onClick={() => void signOut()} disabled={busy !== null}>
        Sign out
      </button>
    </span>
  );
}
