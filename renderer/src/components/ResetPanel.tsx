import { useState } from 'react';

import type { ControlApi } from '../api/control-client.js';
import { useShallow } from 'zustand/react/shallow';

import { useStackStore } from '../stores/stack-store.js';

interface Tier {
  readonly id: string;
  readonly title: string;
  readonly deletes: string;
  readonly run: (api: ControlApi, service: string) => Promise<unknown>;
}

const TIERS: readonly Tier[] = [
  {
    id: 'restart-service',
    title: 'Restart a service',
    deletes: 'Nothing. The service stops and starts again.',
    run: (api, service) => api.call('POST /v1/services/restart', { service, requestedBy: 'gui' }),
  },
  {
    id: 'restart-stack',
    title: 'Restart the stack',
    deletes: 'Nothing. Every service stops and starts again, in order.',
    run: (api) => api.call('POST /v1/stack/restart', { requestedBy: 'gui' }),
  },
  {
    id: 'reset-database',
    title: 'Reset the database',
    deletes: 'Every row in the database. Migrations and seed are applied again; keys and ports stay.',
    run: (api) => api.call('POST /v1/reset', { requestedBy: 'gui' }),
  },
  {
    id: 'purge',
    title: 'Purge data',
    deletes: 'The whole database cluster. It is created from scratch; settings, keys and logs stay.',
    run: (api) => api.call('POST /v1/purge', { requestedBy: 'gui' }),
  },
];

/** Resets in tiers, each saying what it deletes and asking for confirmation; usable when the stack is broken. */
export function ResetPanel(): React.JSX.Element {
  const act = useStackStore((s) => s.act);
  const busy = useStackStore((s) => s.busy);
  const outcome = useStackStore((s) => s.outcome);
  const services = useStackStore(useShallow((s) => s.status?.services.map((x) => x.name) ?? []));
  const [armed, setArmed] = useState<string | null>(null);
  const [service, setService] = useState('postgres');
  // The label of the run started here: only its own outcome is shown (never an older run's "done").
  const [ran, setRan] = useState<string | null>(null);
  const labelOf = (tier: Tier): string => (tier.id === 'restart-service' ? `Restart ${service}` : tier.title);
  return (
    <section className="panel">
      <ol className="tiers">
        {TIERS.map((tier) => (
          <li key={tier.id} data-testid={`tier-${tier.id}`}>
            <div>
              <strong>{tier.title}</strong>
              <p className="muted">Deletes: {tier.deletes}</p>
              {tier.id === 'restart-service' && (
                <select
                  value={service}
                  onChange={(e) => setService(e.target.value)}
                  aria-label="service to restart"
                >
                  {services.map((name) => (
                    <option key={name}>{name}</option>
                  ))}
                </select>
              )}
            </div>
            {armed === tier.id ? (
              <span className="actions">
                <button
                  className="danger"
                  disabled={busy !== null}
                  onClick={() => {
                    setArmed(null);
                    const label = labelOf(tier);
                    setRan(label);
                    void act(label, (api) => tier.run(api, service));
                  }}
                >
                  Confirm: {tier.title.toLowerCase()}
                </button>
                <button onClick={() => setArmed(null)}>Cancel</button>
              </span>
            ) : (
              <button disabled={busy !== null} onClick={() => setArmed(tier.id)}>
                {tier.title}…
              </button>
            )}
          </li>
        ))}
      </ol>
      {ran !== null && busy === ran && (
        <p className="busy-line" role="status" data-testid="reset-running">
          <span className="spinner" aria-hidden="true" /> {ran}… (the phase and elapsed time are in the top
          bar)
        </p>
      )}
      {ran !== null && outcome?.label === ran && (
        <p
          className={`outcome tone-${outcome.ok ? 'good' : outcome.refused ? 'warn' : 'bad'}`}
          role={outcome.ok ? 'status' : 'alert'}
          data-testid="reset-result"
        >
          {outcome.text}
        </p>
      )}
    </section>
  );
}
