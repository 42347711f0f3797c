import { useStackStore } from '../../stores/stack-store.js';

/** Starts a stopped or failed service (and, through the supervisor, what depends on it). */
export function StartServiceButton({ service }: { readonly service: string }): React.JSX.Element {
  const act = useStackStore((s) => s.act);
  const busy = useStackStore((s) => s.busy);
  return (
    <button
      className="primary"
      disabled={busy !== null}
      onClick={() =>
        void act(`Starting ${service}`, (api) =>
          api.call('POST /v1/services/start', { service, requestedBy: 'gui' }),
        )
      }
      data-testid={`start-${service}`}
    >
      {busy === `Starting ${service}` ? `Starting ${service}…` : `Start ${service}`}
    </button>
  );
}
