import { useState } from 'react';

/**
 * A destructive action in two clicks: `label` asks, then "Confirm …" runs `onConfirm` and "Cancel" backs out.
 * Used in table rows, where a modal would be heavier than the action.
 */
export function ConfirmButton(props: {
  readonly label: string;
  readonly confirmLabel: string;
  readonly disabled: boolean;
  readonly onConfirm: () => Promise<unknown>;
  readonly ariaLabel?: string;
  /** Said beside the confirm button when the action has a consequence worth a second look. */
  readonly warning?: string | null;
}): React.JSX.Element {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button onClick={() => setConfirming(true)} aria-label={props.ariaLabel}>
        {props.label}
      </button>
    );
  }
  return (
    <>
      {props.warning && (
        <span className="confirm-warning" role="alert" data-testid="confirm-warning">
          {props.warning}
        </span>
      )}
      <button
        className="danger"
        disabled={props.disabled}
        onClick={() => void props.onConfirm().then(() => setConfirming(false))}
      >
        {props.confirmLabel}
      </button>
      <button onClick={() => setConfirming(false)}>Cancel</button>
    </>
  );
}
