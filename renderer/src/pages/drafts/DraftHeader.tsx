import { useState } from 'react';

import type { DraftRow } from '../../../../shared/control-plane-rows.js';
import { routePath, useRouter } from '../../app/router.js';
import { useDraftsStore } from '../../stores/drafts-store.js';

/** The draft's description (renamable), id and spec count, with the dry-run and publish buttons. */
export function DraftHeader(props: {
  readonly draft: DraftRow;
  readonly specCount: number;
  /** A dry run or publication of this draft is still running. */
  readonly running: boolean;
}): React.JSX.Element {
  const { draft, specCount, running } = props;
  const navigate = useRouter((s) => s.navigate);
  const busy = useDraftsStore((s) => s.busy);
  const rename = useDraftsStore((s) => s.renameDraft);
  const publish = useDraftsStore((s) => s.publish);
  const [renaming, setRenaming] = useState(false);
  const [detail, setDetail] = useState(draft.detail ?? '');
  const blocked = busy !== null || running || specCount === 0;
  return (
    <header className="draft-head">
      <button className="link" onClick={() => navigate(routePath('drafts'))}>
        ← Drafts
      </button>
      {renaming ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void rename(draft.id, detail).then(() => setRenaming(false));
          }}
        >
          <input
            aria-label="Description of the draft"
            value={detail}
            onChange={(e) => setDetail(e.target.value)}
            autoFocus
          />
          <button type="submit" disabled={busy !== null}>
            Save
          </button>
          <button type="button" onClick={() => setRenaming(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <h2 data-testid="draft-title" title={draft.detail || 'Untitled draft'}>
            {draft.detail || 'Untitled draft'}
          </h2>
          <button
            onClick={() => {
              setDetail(draft.detail ?? '');
              setRenaming(true);
            }}
          >
            Rename
          </button>
        </>
      )}
      <span className="muted">
        <code>{draft.id}</code> · {specCount} spec{specCount === 1 ? '' : 's'}
      </span>
      <span className="topbar-spacer" />
      <button
        disabled={blocked}
        onClick={() => void publish(true)}
        title="Checks the draft as publishing would, and changes nothing"
        data-testid="dry-run"
      >
        Dry run
      </button>
      <button
        className="primary"
        disabled={blocked}
        onClick={() => void publish(false)}
        title="Publishes the saved specs of this draft into the live catalog"
        data-testid="publish"
      >
        Publish
      </button>
    </header>
  );
}
