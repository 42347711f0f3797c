import { useEffect, useState } from 'react';

import { ControlApi } from '../api/control-client.js';
import { establishSession } from '../api/session.js';
import { ChecksPanel } from '../components/ChecksPanel.js';
import { ConnectionPanel } from '../components/ConnectionPanel.js';
import { LogsView } from '../components/LogsView.js';
import { MailboxPanel } from '../components/MailboxPanel.js';
import { ResetPanel } from '../components/ResetPanel.js';
import { ServiceCard } from '../components/ServiceCard.js';
import { SettingsPanel } from '../components/SettingsPanel.js';
import { StartupProgress } from '../components/StartupProgress.js';
import { startEventFeed } from '../stores/event-feed.js';
import { useStackStore } from '../stores/stack-store.js';

const TABS = ['Services', 'Logs', 'Connection', 'Mailbox', 'Resets', 'Settings', 'Checks'] as const;
type Tab = (typeof TABS)[number];

/** The Stack GUI: every service at a glance, and what to do when one is not healthy. */
export function App(): React.JSX.Element {
  const [fatal, setFatal] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('Services');
  const now = useNow(500);
  const status = useStackStore((s) => s.status);
  const connected = useStackStore((s) => s.connected);
  const error = useStackStore((s) => s.error);

  useEffect(() => {
    establishSession()
      .then((config) => {
        startEventFeed(new ControlApi(config));
      })
      .catch((e: unknown) => setFatal(e instanceof Error ? e.message : String(e)));
  }, []);

  if (fatal) {
    return (
      <main className="fatal">
        <h1>Flow Desktop</h1>
        <p role="alert">{fatal}</p>
      </main>
    );
  }
  return (
    <div className="app">
      <header className="topbar">
        <h1>Flow Desktop</h1>
        <span className={`pill state-${status?.state ?? 'unknown'}`} data-testid="stack-state">
          {connected ? (status?.state ?? '…') : 'disconnected'}
        </span>
        <StartupProgress now={now} />
      </header>
      <nav className="tabs" role="tablist">
        {TABS.map((name) => (
          <button
            key={name}
            role="tab"
            aria-selected={tab === name}
            className={tab === name ? 'active' : ''}
            onClick={() => setTab(name)}
          >
            {name}
          </button>
        ))}
      </nav>
      {error && (
        <p className="banner" role="alert" data-testid="error">
          {error}
        </p>
      )}
      <main>
        {tab === 'Services' && (
          <section className="grid">
            {status?.services.map((service) => (
              <ServiceCard key={service.name} service={service} now={now} />
            ))}
          </section>
        )}
        {tab === 'Logs' && <LogsView />}
        {tab === 'Connection' && <ConnectionPanel />}
        {tab === 'Mailbox' && <MailboxPanel />}
        {tab === 'Resets' && <ResetPanel />}
        {tab === 'Settings' && <SettingsPanel />}
        {tab === 'Checks' && <ChecksPanel />}
      </main>
    </div>
  );
}

/** The current time, updated every `ms`, for uptimes and elapsed clocks. */
function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
