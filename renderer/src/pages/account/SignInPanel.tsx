import { useState } from 'react';

import { SEEDED_PASSWORD, SEEDED_USERS, useAuthStore } from '../../stores/auth-store.js';

/** One-click sign-in as each seeded user, and e-mail + password for any account. */
export function SignInPanel(): React.JSX.Element {
  const busy = useAuthStore((s) => s.busy);
  const signIn = useAuthStore((s) => s.signInWithPassword);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  return (
    <section className="panel account-card" aria-labelledby="sign-in-title">
      <h3 id="sign-in-title">Sign in</h3>
      <p className="muted">The local stack's seeded accounts (password “{SEEDED_PASSWORD}”):</p>
      <div className="seeded-users">
        {SEEDED_USERS.map((u) => (
          <button
            key={u.email}
            disabled={busy !== null}
            // The name tests and screen readers use is exactly "Sign in as <user>"; the rest is a hint.
            aria-label={`Sign in as ${u.label}`}
            title={`${u.email}: ${u.about}`}
            onClick={() => void signIn(u.email, SEEDED_PASSWORD)}
          >
            Sign in as {u.label}
            <span className="muted seeded-about">{u.about}</span>
          </button>
        ))}
      </div>
      <form
        className="account-form"
        onSubmit={(e) => {
          e.preventDefault();
          void signIn(email, password);
        }}
      >
        <label>
          E-mail
          <input
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
            data-testid="password-email"
          />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            data-testid="password-password"
          />
        </label>
        <button type="submit" disabled={busy !== null}>
          Sign in with password
        </button>
      </form>
    </section>
  );
}
