import { routePath, useRouter } from '../../app/router.js';
import { useAuthStore } from '../../stores/auth-store.js';

/** Shows its children to a signed-in user; otherwise says how to sign in. */
export function RequireSignIn({ children }: { readonly children: React.ReactNode }): React.JSX.Element {
  const ready = useAuthStore((s) => s.ready);
  const user = useAuthStore((s) => s.user);
  const reason = useAuthStore((s) => s.signedOutReason);
  const navigate = useRouter((s) => s.navigate);
  if (!ready) return <p className="muted">Reading the saved session…</p>;
  if (!user) {
    return (
      <section className="panel empty-state" data-testid="sign-in-required">
        <h2>Sign in to use the control plane</h2>
        {reason && (
          <p className="notice notice-warn" role="alert" data-testid="signed-out-reason">
            {reason}
          </p>
        )}
        <p>
          Drafts, the catalog, connectors and grants are shown as the signed-in user sees them (their RLS).
        </p>
        <button onClick={() => navigate(routePath('account'))}>Sign in</button>
      </section>
    );
  }
  return <>{children}</>;
}
