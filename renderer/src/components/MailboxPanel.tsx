import { useCallback, useEffect, useState } from 'react';

import type { MailMessage } from '../../../shared/mailbox.js';
import { explainedText } from '../api/explain-error.js';
import { useStackStore } from '../stores/stack-store.js';
import { QueryStates } from './feedback/QueryStates.js';

const POLL_MS = 3000;

/** The e-mails Auth "sent" (magic links, sign-in codes), newest first, refreshed while open. */
export function MailboxPanel(): React.JSX.Element {
  const api = useStackStore((s) => s.api);
  const [messages, setMessages] = useState<readonly MailMessage[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const load = useCallback(async (): Promise<void> => {
    if (!api) return;
    try {
      const { messages: list } = await api.call('GET /v1/mailbox', {});
      setMessages([...list].sort((a, b) => b.date.localeCompare(a.date)));
      setProblem(null);
    } catch (error: unknown) {
      setProblem(explainedText(error));
    }
  }, [api]);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [load]);
  return (
    <section className="panel mailbox">
      <div className="toolbar">
        <button onClick={() => void load()}>Refresh</button>
        <button
          disabled={!messages?.length}
          onClick={() => void api?.call('POST /v1/mailbox/clear', {}).then(() => load())}
        >
          Delete all
        </button>
        <span className="muted">
          {messages && !problem ? `${messages.length} message${messages.length === 1 ? '' : 's'}` : ''}
        </span>
      </div>
      <QueryStates
        state={{ error: problem, hasData: messages !== null }}
        empty={messages?.length === 0}
        what="the mailbox"
        name="mailbox"
        onRetry={() => void load()}
        emptyContent={<p className="muted">No messages yet. Magic links and sign-in codes appear here.</p>}
      >
        <ul className="messages">
          {messages?.map((m) => (
            <li key={m.id} data-testid="mail-message">
              <div>
                <strong>{m.subject}</strong> <span className="muted">to {m.to}</span>{' '}
                <span className="muted">{new Date(m.date).toLocaleString()}</span>
              </div>
              {m.otp && (
                <div>
                  Code: <code data-testid="mail-otp">{m.otp}</code>
                </div>
              )}
              {m.links.map((link) => (
                <div key={link}>
                  <a href={link} target="_blank" rel="noreferrer" data-testid="mail-link">
                    {link.length > 90 ? `${link.slice(0, 90)}…` : link}
                  </a>
                </div>
              ))}
            </li>
          ))}
        </ul>
      </QueryStates>
    </section>
  );
}
