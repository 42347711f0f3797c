import type { DraftSpecExtRow } from '../../../../shared/control-plane-rows.js';
import type { PublicationConflict } from '../../lib/spec-errors.js';
import { useDraftsStore } from '../../stores/drafts-store.js';

/**
 * An `expect_pub_id` conflict, said plainly: someone published this spec after it was copied into the draft.
 * Offers to take the live version (and its publication id) into the draft, or to look at the difference first.
 */
export function ConflictNotice(props: {
  readonly spec: DraftSpecExtRow;
  readonly conflict: PublicationConflict;
  readonly onShowDiff: () => void;
}): React.JSX.Element {
  const busy = useDraftsStore((s) => s.busy);
  const recopy = useDraftsStore((s) => s.recopyLive);
  const { spec, conflict } = props;
  const who = spec.last_pub_user_email ?? spec.last_pub_user_full_name;
  return (
    <div className="conflict-notice" role="alert" data-testid="conflict-notice">
      <strong>Someone published {spec.catalog_name} meanwhile.</strong>
      <p>
        This draft was based on publication <code>{conflict.expected}</code>, but the live spec is now at{' '}
        <code>{conflict.actual}</code>
        {who ? ` (published by ${who}${spec.last_pub_detail ? `: “${spec.last_pub_detail}”` : ''})` : ''}.
        Publishing this draft would overwrite that change, so it was refused.
      </p>
      <p>
        Re-copy the live version into the draft and apply your change to it again (the diff shows what
        differs), then publish.
      </p>
      <div className="actions">
        <button
          className="primary"
          disabled={busy !== null}
          onClick={() => void recopy(spec.catalog_name)}
          data-testid="recopy-live"
        >
          Re-copy the live version
        </button>
        <button onClick={props.onShowDiff}>Compare with the live version</button>
      </div>
    </div>
  );
}
