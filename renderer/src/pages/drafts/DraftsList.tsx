import { useEffect, useState } from 'react';

import type { DraftRow } from '../../../../shared/control-plane-rows.js';
import { routePath, useRouter } from '../../app/router.js';
import { DRAFTS_PAGE, useDraftsStore } from '../../stores/drafts-store.js';
import { QueryStates } from '../../components/feedback/QueryStates.js';
import { ErrorNotice } from '../../components/feedback/ErrorNotice.js';
import { onListArrowKeys } from './arrow-keys.js';

/** "3 minutes ago"-style age of a timestamp, with the exact time in the title. */
function age(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

function DraftListRow({ draft }: { readonly draft: DraftRow }): React.JSX.Element {
  const navigate = useRouter((s) => s.navigate);
  const busy = useDraftsStore((s) => s.busy);
  const rename = useDraftsStore((s) => s.renameDraft);
  const remove = useDraftsStore((s) => s.deleteDraft);
  const [mode, setMode] = useState<'view' | 'rename' | 'delete'>('view');
  const [detail, setDetail] = useState(draft.detail ?? '');
  const title = draft.detail || 'Untitled draft';
  return (
    <li className="draft-row" data-testid="draft-row" data-draft-id={draft.id}>
      {mode === 'rename' ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void rename(draft.id, detail).then(() => setMode('view'));
          }}
        >
          <input
            aria-label="New description"
            value={detail}
            onChange={(e) => setDetail(e.target.value)}
            autoFocus
            data-testid="rename-input"
          />
          <button type="submit" disabled={busy !== null}>
            Save
          </button>
          <button type="button" onClick={() => setMode('view')}>
            Cancel
          </button>
        </form>
      ) : (
        <button
          className="draft-open"
          data-nav-item
          data-testid="draft-open"
          onClick={() => navigate(routePath('drafts', draft.id))}
        >
          <span className="draft-title">{title}</span>
          <span className="muted draft-meta">
            {draft.num_specs} spec{draft.num_specs === 1 ? '' : 's'} ·{' '}
            <span title={new Date(draft.updated_at).toLocaleString()}>updated {age(draft.updated_at)}</span> ·{' '}
            <code>{draft.id}</code>
          </span>
        </button>
      )}
      {mode === 'delete' ? (
        <div className="confirm" role="alertdialog" aria-label={`Delete ${title}?`}>
          <span>
            Delete “{title}” and its {draft.num_specs} spec{draft.num_specs === 1 ? '' : 's'}? The live
            catalog is not changed.
          </span>
          <button className="danger" disabled={busy !== null} onClick={() => void remove(draft.id)} autoFocus>
            Delete
          </button>
          <button onClick={() => setMode('view')}>Cancel</button>
        </div>
      ) : (
        mode === 'view' && (
          <div className="row-actions">
            <button onClick={() => setMode('rename')} aria-label={`Rename ${title}`}>
              Rename
            </button>
            <button className="danger" onClick={() => setMode('delete')} aria-label={`Delete ${title}`}>
              Delete
            </button>
          </div>
        )
      )}
    </li>
  );
}

/** The user's drafts, newest first, with create, rename and delete. */
export function DraftsList(): React.JSX.Element {
  const drafts = useDraftsStore((s) => s.drafts);
  const total = useDraftsStore((s) => s.total);
  const loading = useDraftsStore((s) => s.listLoading);
  const busy = useDraftsStore((s) => s.busy);
  const error = useDraftsStore((s) => s.error);
  const listError = useDraftsStore((s) => s.listError);
  const load = useDraftsStore((s) => s.loadDrafts);
  const create = useDraftsStore((s) => s.createDraft);
  const navigate = useRouter((s) => s.navigate);
  const [detail, setDetail] = useState('');
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <section className="panel drafts-list" data-testid="drafts-list">
      <h2>Drafts</h2>
      <p className="muted">
        A draft holds catalog specs you are working on; a dry run checks them, publishing makes them live.
      </p>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void create(detail).then((id) => {
            if (id) navigate(routePath('drafts', id));
          });
        }}
      >
        <input
          aria-label="Description of the new draft"
          placeholder="Description, e.g. “Hello-world capture”"
          value={detail}
          onChange={(e) => setDetail(e.target.value)}
          data-testid="new-draft-detail"
        />
        <button type="submit" disabled={busy !== null} data-testid="create-draft">
          New draft
        </button>
        <button type="button" onClick={() => void load()} disabled={loading}>
          Refresh
        </button>
        <span className="muted" aria-live="polite">
          {busy ?? (loading && drafts !== null ? 'Refreshing…' : '')}
        </span>
      </form>
      {error && (
        <ErrorNotice
          error={error}
          testId="drafts-error"
          onDismiss={() => useDraftsStore.getState().clearError()}
        />
      )}
      <QueryStates
        state={{ error: listError, hasData: drafts !== null }}
        empty={drafts?.length === 0}
        what="your drafts"
        name="drafts"
        testIds={{ error: 'drafts-list-error' }}
        onRetry={() => void load()}
        emptyContent={
          <>
            <p>
              <strong>No drafts yet.</strong>
            </p>
            <p className="muted">
              Create one above and add specs from templates, or open a spec in the Catalog and choose Edit.
            </p>
          </>
        }
      >
        <ul className="draft-rows" aria-label="Your drafts, newest first" onKeyDown={onListArrowKeys}>
          {drafts?.map((d) => (
            <DraftListRow key={`${d.id} ${d.detail ?? ''}`} draft={d} />
          ))}
        </ul>
        {total !== null && total > DRAFTS_PAGE && (
          <p className="muted">
            Showing the newest {DRAFTS_PAGE} of {total} drafts.
          </p>
        )}
      </QueryStates>
    </section>
  );
}
