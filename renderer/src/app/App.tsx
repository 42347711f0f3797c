import { useEffect, useState } from 'react';

import { ControlApi } from '../api/control-client.js';
import { establishSession } from '../api/session.js';
import { configureSupabase } from '../api/supabase.js';
import { StartupProgress } from '../components/StartupProgress.js';
import { NavBar } from '../components/shell/NavBar.js';
import { RequireSignIn } from '../components/shell/RequireSignIn.js';
import { ThemeToggle } from '../components/shell/ThemeToggle.js';
import { UserBadge } from '../components/shell/UserBadge.js';
import { useNow } from '../lib/use-now.js';
import { useAuthStore } from '../stores/auth-store.js';
import { startEventFeed } from '../stores/event-feed.js';
import { useStackStore } from '../stores/stack-store.js';
import { useRouter } from './router.js';
import { findRoute } from './routes.js';

/** The GUI: the stack's services and, once signed in, everything the control plane does. */
export function App(): React.JSX.Element {
  const [fatal, setFatal] = useState<string | null>(null);
  const now = useNow(500);
  const status = useStackStore((s) => s.status);
  const connected = useStackStore((s) => s.connected);
  const error = useStackStore((s) => s.error);
  const route = useRouter((s) => s.route);
  const current = findRoute(route.segments[0]);
  const apiUrl = status?.connection.API_URL;
  const anonKey = status?.connection.ANON_KEY;

  useEffect(() => {
    establishSession()
      .then((config) => {
        if (config.supabaseUrl && config.anonKey)
          useAuthStore.getState().attach(configureSupabase(config.supabaseUrl, config.anonKey));
        startEventFeed(new ControlApi(config));
      })
      .catch((e: unknown) => setFatal(e instanceof Error ? e.message : String(e)));
  }, []);

  // The stack's status carries the API address and anon key (they change only with the data directory).
  useEffect(() => {
    if (apiUrl && anonKey) useAuthStore.getState().attach(configureSupabase(apiUrl, anonKey));
  }, [apiUrl, anonKey]);

  if (fatal) {
    return (
      <main className="fatal">
        <h1>Flow Desktop</h1>
        <p role="alert">{fatal}</p>
      </main>
    );
  }
  const { Page } = current;
  return (
    <div className="app">
      <header className="topbar">
        <h1>Flow Desktop</h1>
        <span className={`pill state-${status?.state ?? 'unknown'}`} data-testid="stack-state">
          {connected ? (status?.state ?? '…') : 'disconnected'}
        </span>
        <StartupProgress now={now} />
        <span className="topbar-spacer" />
        <UserBadge />
        <ThemeToggle />
      </header>
      <NavBar current={current} />
      {error && (
        <p className="banner" role="alert" data-testid="error">
          {error}
        </p>
      )}
      <main>
        {current.signedIn ? (
          <RequireSignIn>
            <Page />
          </RequireSignIn>
        ) : (
          <Page />
        )}
      </main>
    </div>
  );
}
