import { useState } from 'react';

import { useAuthStore } from '../../stores/auth-store.js';
import { useStackStore } from '../../stores/stack-store.js';

/** Where the sign-in link leads back to: this GUI (Auth appends the session as `#access_token=…`). */
function redirectTarget(): string {
  return `${window.location.origin}/`;
}

/**
 * Magic-link sign-in: mails a link (and a six-digit code); the shortcut finds the e-mail in the stack's mailbox
 * and follows its link in this tab, which keeps the GUI's session with the stack.
 */
export function MagicLinkPanel(): React.JSX.Element {
  const busy = useAuthStore((s) => s.busy);
  const magicLink = useAuthStore((s) => s.magicLink);
  const send = useAuthStore((s) => s.sendMagicLink);
  const open = useAuthStore((s) => s.openMagicLinkMessage);
  const verifyCode = useAuthStore((s) => s.verifyCode);
  const api = useStackStore((s) => s.api);
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  const target = magicLink?.email ?? email.trim();
  return (
    <section className="panel account-card" aria-labelledby="magic-link-title">
      <h3 id="magic-link-title">Magic link</h3>
      <p className="muted">
        Auth mails a sign-in link and a code; on this stack the mail lands in the Mailbox.
      </p>
      <form
        className="account-form"
        onSubmit={(e) => {
          e.preventDefault();
          void send(email, redirectTarget());
        }}
      >
        <label>
          E-mail
          <input
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
            placeholder="alice@example.com"
            data-testid="magic-link-email"
          />
        </label>
        <button type="submit" disabled={busy !== null}>
          Send a sign-in link
        </button>
      </form>
      <div className="magic-link-next">
        <button
          disabled={busy !== null || !api || target === ''}
          title={target ? `Finds the newest sign-in e-mail to ${target} and opens its link here` : undefined}
          onClick={() => {
            if (api) void open(api, target, (url) => window.location.assign(url));
          }}
        >
          Open the message in the mailbox
        </button>
        <form
          className="code-form"
          onSubmit={(e) => {
            e.preventDefault();
            void verifyCode(target, code);
          }}
        >
          <label>
            or its code
            <input
              inputMode="numeric"
              pattern="[0-9]{6}"
              maxLength={6}
              value={code}
              onChange={(e) => setCode(e.target.value)}
              placeholder="123456"
              data-testid="magic-link-code"
            />
          </label>
          <button type="submit" disabled={busy !== null || target === '' || code.length !== 6}>
            Sign in with the code
          </button>
        </form>
      </div>
    </section>
  );
}
