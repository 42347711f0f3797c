import { useCallback, useEffect, useRef, useState } from 'react';

import { ControlApi } from '../api/control-client.js';
import { establishSession, rememberReturnTo, SignInRequired, takeReturnTo } from '../api/session.js';
import { configureSupabase } from '../api/supabase.js';
import { ErrorBoundary } from '../components/feedback/ErrorBoundary.js';
import { ErrorNotice } from '../components/feedback/ErrorNotice.js';
import { ServiceDownBanner } from '../components/feedback/ServiceDownBanner.js';
import { Toasts } from '../components/feedback/Toasts.js';
import { StartupProgress } from '../components/StartupProgress.js';
import { RequireSignIn } from '../components/shell/RequireSignIn.js';
import { SignInGate } from '../components/shell/SignInGate.js';
import { Sidebar } from '../components/shell/Sidebar.js';
import { UserBadge } from '../components/shell/UserBadge.js';
import { useNow } from '../lib/use-now.js';
import { useAuthStore } from '../stores/auth-store.js';
import { startEventFeed } from '../stores/event-feed.js';
import { reportUnhandledRejections } from '../stores/toast-store.js';
import { useStackStore } from '../stores/stack-store.js';
import { HOME_PATH, navigate, useRouter } from './router.js';
import { findRoute } from './routes.js';

/** Whether this tab has a session with the control API, and if not, why. */
type SessionState =
  | { readonly kind: 'pending' }
  | { readonly kind: 'ready' }
  | { readonly kind: 'required'; readonly reason: string };

/** The GUI: the stack's services and, once signed in, everything the control plane does. */
export function App(): React.JSX.Element {
  const [session, setSession] = useState<SessionState>({ kind: 'pending' });
  const stopFeed = useRef<(() => void) | null>(null);
  const now = useNow(500);
  const status = useStackStore((s) => s.status);
  const error = useStackStore((s) => s.error);
  const refused = useStackStore((s) => s.outcome?.refused === true);
  const route = useRouter((s) => s.route);
  const current = findRoute(route.segments[0]);
  const apiUrl = status?.connection.API_URL;
  const anonKey = status?.connection.ANON_KEY;

  const connect = useCallback((): void => {
    // A fresh link (`#code=`) goes on to the view a signed-out tab was opened on, if there was one.
    const viaLink = /[#&]code=/.test(window.location.hash);
    establishSession()
      .then((config) => {
        const returnTo = takeReturnTo();
        if (viaLink) navigate(returnTo ?? HOME_PATH, { replace: true });
        if (config.supabaseUrl && config.anonKey)
          useAuthStore.getState().attach(configureSupabase(config.supabaseUrl, config.anonKey));
        stopFeed.current?.();
        stopFeed.current = startEventFeed(
          new ControlApi(config, () => {
            stopFeed.current?.();
            stopFeed.current = null;
            setSession({
              kind: 'required',
              reason:
                'The session of this browser ended: the stack was restarted (each run signs in anew), or the session was ended in another tab.',
            });
          }),
        );
        setSession({ kind: 'ready' });
      })
      .catch((e: unknown) =>
        setSession({
          kind: 'required',
          reason:
            e instanceof SignInRequired
              ? e.message
              : `The GUI's server at ${window.location.host} did not answer: is \`flow-desktop serve\` still running?`,
        }),
      );
  }, []);

  useEffect(() => reportUnhandledRejections(), []);

  useEffect(() => {
    connect();
    // A link pasted into the address bar of an open tab changes only the fragment: no reload, so trade it here.
    const onHash = (): void => {
      if (/[#&]code=/.test(window.location.hash)) connect();
    };
    window.addEventListener('hashchange', onHash);
    return () => {
      window.removeEventListener('hashchange', onHash);
      stopFeed.current?.();
    };
  }, [connect]);

  // A signed-out tab remembers the view it was opened on, for the link that signs it in.
  const wanted = `${route.path}${route.query.size > 0 ? `?${route.query.toString()}` : ''}`;
  const returnTo = route.path === HOME_PATH || route.path === '' ? null : wanted;
  useEffect(() => {
    if (session.kind === 'required' && returnTo) rememberReturnTo(returnTo);
  }, [session.kind, returnTo]);

  // The stack's status carries the API address and anon key (they change only with the data directory).
  useEffect(() => {
    if (apiUrl && anonKey) useAuthStore.getState().attach(configureSupabase(apiUrl, anonKey));
  }, [apiUrl, anonKey]);

  if (session.kind === 'required') {
    return (
      <SignInGate
        reason={session.reason}
        returnTo={returnTo}
        onSignedIn={() => {
          takeReturnTo();
          connect();
        }}
      />
    );
  }
  const { Page } = current;
  return (
    <div className="app">
      <Sidebar current={current} />
      <div className="workspace">
        <header className="topbar">
          <h1 className="view-title">
            <current.icon size={18} strokeWidth={1.75} aria-hidden="true" /> {current.label}
          </h1>
          <StartupProgress now={now} />
          <UserBadge />
        </header>
        {error && (
          <div className="page-notices">
            <ErrorNotice
              error={error}
              controlPlane={false}
              tone={refused ? 'warn' : 'error'}
              testId="error"
              onDismiss={() => useStackStore.setState({ error: null })}
            />
          </div>
        )}
        <main>
          {current.group === 'Control plane' && <ServiceDownBanner />}
          <ErrorBoundary key={current.segment} view={current.label}>
            {current.signedIn ? (
              <RequireSignIn>
                <Page />
              </RequireSignIn>
            ) : (
              <Page />
            )}
          </ErrorBoundary>
        </main>
      </div>
      <Toasts />
    </div>
  );
}
