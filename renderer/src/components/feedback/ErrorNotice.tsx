import { useStackStore } from '../../stores/stack-store.js';
import { InlineCode } from '../InlineCode.js';
import { controlPlaneDown, statePhrase } from './service-health.js';

/**
 * A failed request or action: its sentence, the server's detail on a line of its own (see `describeApiError`),
 * and what to do: retry, or — when a service the control plane needs is down — start it from the banner above
 * (ServiceDownBanner), which every control-plane view shows.
 */
export function ErrorNotice(props: {
  readonly error: string;
  readonly onRetry?: () => void;
  readonly onDismiss?: () => void;
  readonly testId?: string;
  /** Whether a down control-plane service may be the cause (not for stack operations). */
  readonly controlPlane?: boolean;
  /** `warn` for a request refused for now (another operation runs) rather than failed. */
  readonly tone?: 'error' | 'warn';
}): React.JSX.Element {
  const [sentence = '', ...rest] = props.error.split('\n');
  const detail = rest.join('\n');
  const down = useStackStore((s) => (props.controlPlane === false ? null : controlPlaneDown(s.status)));
  return (
    <div
      className={`notice ${props.tone === 'warn' ? 'notice-warn' : 'notice-error'}`}
      role="alert"
      data-testid={props.testId}
    >
      <p className="notice-sentence">
        <InlineCode text={sentence} />
      </p>
      {detail && <p className="notice-detail">{detail}</p>}
      {down && (
        <p className="notice-cause" data-testid="error-cause">
          Probably because <strong>{down.name}</strong> is {statePhrase(down)} (see above).
        </p>
      )}
      {(props.onRetry || props.onDismiss) && (
        <div className="notice-actions">
          {props.onRetry && <button onClick={props.onRetry}>Try again</button>}
          {props.onDismiss && (
            <button className="link" onClick={props.onDismiss}>
              Dismiss
            </button>
          )}
        </div>
      )}
    </div>
  );
}
