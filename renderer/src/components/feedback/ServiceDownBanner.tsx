import { useStackStore } from '../../stores/stack-store.js';
import { controlPlaneDown, statePhrase } from './service-health.js';
import { StartServiceButton } from './StartServiceButton.js';

const STARTING = new Set(['starting', 'waiting', 'crashed']);

/**
 * Above the control-plane views: which service they need is down, and a button to start it. Status comes from the
 * supervisor's live probes, so the banner goes as soon as the service is back.
 */
export function ServiceDownBanner(): React.JSX.Element | null {
  const down = useStackStore((s) => controlPlaneDown(s.status));
  if (!down) return null;
  const coming = STARTING.has(down.state);
  return (
    <div
      className="notice notice-warn service-down"
      role="alert"
      data-testid="service-down"
      data-service={down.name}
    >
      <p className="notice-sentence">
        <strong>{down.name}</strong> is {statePhrase(down)}: the control plane (sign-in, drafts, catalog,
        connectors, grants, directives) needs it{coming ? ' and will be back when it is healthy.' : '.'}
      </p>
      {!coming && (
        <div className="notice-actions">
          <StartServiceButton service={down.name} />
        </div>
      )}
    </div>
  );
}
