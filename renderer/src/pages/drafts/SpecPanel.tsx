import { useMemo, useRef, useState } from 'react';

import { checkCatalog, type DraftEntry } from '../../../../shared/catalog/catalog-checks.js';
import { type DraftSpecExtRow, NO_PUB_ID } from '../../../../shared/control-plane-rows.js';
import { JsonDiff } from '../../components/json/JsonDiff.js';
import { type EditorIssue, JsonEditor, type JsonEditorHandle } from '../../components/json/JsonEditor.js';
import { checkSpecText } from '../../components/json/json-spec-issues.js';
import { publicationConflict, type SpecError } from '../../lib/spec-errors.js';
import { specText } from '../../lib/spec-templates.js';
import { useDraftsStore } from '../../stores/drafts-store.js';
import { ConflictNotice } from './ConflictNotice.js';
import type { EditorCatalog } from './editor-catalog.js';
import { SpecTypeBadge } from './SpecTypeBadge.js';

/** What publishing does with `expect_pub_id`, in words. */
function ExpectPubId({ spec }: { readonly spec: DraftSpecExtRow }): React.JSX.Element {
  const expect = spec.expect_pub_id;
  let text: string;
  if (expect === null) text = 'none — publishing replaces whatever is live';
  else if (expect === NO_PUB_ID) text = 'must not exist yet';
  else if (expect === spec.last_pub_id) text = 'the live version (unchanged since it was copied)';
  else text = `live has moved on to ${spec.last_pub_id ?? 'nothing (deleted)'}`;
  return (
    <span data-testid="expect-pub-id" data-value={expect ?? ''}>
      {expect !== null && <code>{expect}</code>} <span className="muted">{text}</span>
    </span>
  );
}

/** The spec chosen in the editor: its JSON, its problems, the diff with the live version, and its actions. */
export function SpecPanel(props: {
  readonly spec: DraftSpecExtRow;
  readonly errors: readonly SpecError[];
  /** The whole draft (with valid unsaved edits), for checks across specs. */
  readonly draft: readonly DraftEntry[];
  readonly catalog: EditorCatalog;
}): React.JSX.Element {
  const { spec, errors, draft, catalog } = props;
  const name = spec.catalog_name;
  const edit = useDraftsStore((s) => s.edits[name]);
  const busy = useDraftsStore((s) => s.busy);
  const setEdit = useDraftsStore((s) => s.setEdit);
  const save = useDraftsStore((s) => s.saveSpec);
  const markForDeletion = useDraftsStore((s) => s.markForDeletion);
  const restore = useDraftsStore((s) => s.restoreSpec);
  const remove = useDraftsStore((s) => s.removeSpec);
  const [view, setView] = useState<'edit' | 'diff'>('edit');
  const [confirmRemove, setConfirmRemove] = useState(false);
  const editor = useRef<JsonEditorHandle>(null);

  const deleted = spec.spec === null;
  const saved = useMemo(() => specText(spec.spec), [spec.spec]);
  const text = edit ?? saved;
  const dirty = edit !== undefined;
  const type = spec.spec_type;
  const textIssues = useMemo(() => checkSpecText(text, type), [text, type]);
  // Flow Desktop's catalog checks, the publication's own, on the text as typed (once it matches the schema).
  const catalogIssues = useMemo<readonly EditorIssue[]>(() => {
    if (deleted || type === null || textIssues.syntaxError || textIssues.issues.length > 0) return [];
    const value = JSON.parse(text) as unknown;
    const entries = draft.map((d) => (d.name === name ? { name, type, spec: value } : d));
    return checkCatalog(entries, {
      live: catalog.live,
      capability: catalog.capability,
      knownCollections: catalog.collections,
      checkAuthorization: true,
    })
      .filter((i) => i.catalogName === name)
      .map((i) => ({ pointer: i.pointer, message: i.message }));
  }, [deleted, type, textIssues, text, draft, name, catalog]);
  const conflict = errors.map((e) => publicationConflict(e.detail)).find((c) => c !== null) ?? null;
  // A publication's errors are about the saved text: mark them in the editor only while it is unchanged.
  const extraIssues = useMemo<readonly EditorIssue[]>(
    () => (dirty ? [] : errors.map((e) => ({ pointer: e.pointer, message: e.detail }))),
    [dirty, errors],
  );
  const draftValue = useMemo(() => {
    if (deleted) return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return spec.spec;
    }
  }, [deleted, text, spec.spec]);
  const hasLive = spec.live_spec !== null;

  return (
    <section className="spec-panel" aria-label={`Spec ${name}`} data-testid="spec-panel" data-name={name}>
      <header className="spec-head">
        <SpecTypeBadge type={type} />
        <h3>{name}</h3>
        {dirty && (
          <span className="unsaved" data-testid="unsaved-indicator">
            ● Unsaved changes
          </span>
        )}
      </header>
      <dl className="facts spec-facts">
        <dt>Live version</dt>
        <dd>
          {hasLive ? (
            <>
              {spec.live_spec_type} at <code>{spec.last_pub_id}</code>
              {spec.last_pub_user_email && <span className="muted"> by {spec.last_pub_user_email}</span>}
            </>
          ) : (
            <span className="muted">none — publishing creates it</span>
          )}
        </dd>
        <dt>Expected publication</dt>
        <dd>
          <ExpectPubId spec={spec} />
        </dd>
      </dl>

      {conflict && <ConflictNotice spec={spec} conflict={conflict} onShowDiff={() => setView('diff')} />}

      {errors.length > 0 && (
        <div className="spec-errors" data-testid="spec-errors">
          <h4>Errors of the last publication</h4>
          <ul>
            {errors.map((e, i) => (
              <li key={i} data-testid="draft-error">
                {e.pointer && !deleted ? (
                  <button className="link" onClick={() => editor.current?.focusPointer(e.pointer)}>
                    {e.detail}
                  </button>
                ) : (
                  e.detail
                )}
              </li>
            ))}
          </ul>
        </div>
      )}

      <div className="view-switch" role="tablist" aria-label="Show">
        <button role="tab" aria-selected={view === 'edit'} onClick={() => setView('edit')}>
          {deleted ? 'Deletion' : 'Edit'}
        </button>
        <button
          role="tab"
          aria-selected={view === 'diff'}
          onClick={() => setView('diff')}
          data-testid="show-diff"
        >
          Diff with live
        </button>
      </div>

      {view === 'diff' ? (
        <JsonDiff
          before={spec.live_spec}
          after={draftValue}
          beforeLabel={hasLive ? `live (${spec.last_pub_id ?? ''})` : 'live (none)'}
          afterLabel={dirty ? 'draft (unsaved)' : 'draft'}
        />
      ) : deleted ? (
        <div className="deletion" data-testid="deletion-note">
          <p>
            <strong>Marked for deletion:</strong> publishing this draft deletes {name} from the live catalog.
          </p>
          <button disabled={busy !== null || !hasLive} onClick={() => void restore(name)}>
            Keep it: restore the live version
          </button>
        </div>
      ) : (
        <>
          <JsonEditor
            key={name}
            ref={editor}
            value={text}
            onChange={(next) => setEdit(name, next === saved ? null : next)}
            specType={type}
            extraIssues={extraIssues}
            catalogIssues={catalogIssues}
            label={`JSON of ${name}`}
          />
          <div className="spec-issues" aria-live="polite" data-testid="spec-issues">
            {textIssues.syntaxError ? (
              <p className="issue bad" data-testid="spec-syntax-error">
                Not valid JSON: {textIssues.syntaxError}. It cannot be saved until this is fixed.
              </p>
            ) : textIssues.issues.length === 0 && catalogIssues.length === 0 ? (
              <p className="issue good" data-testid="spec-valid">
                Valid {type} specification.
              </p>
            ) : textIssues.issues.length === 0 ? (
              <ul aria-label="Catalog checks">
                {catalogIssues.map((i) => (
                  <li key={`${i.pointer} ${i.message}`} className="issue bad" data-testid="catalog-issue">
                    <button className="link" onClick={() => editor.current?.focusPointer(i.pointer)}>
                      {i.message}
                    </button>
                  </li>
                ))}
              </ul>
            ) : (
              <ul>
                {textIssues.issues.map((i) => (
                  <li key={`${i.pointer} ${i.message}`} className="issue bad" data-testid="spec-issue">
                    <button className="link" onClick={() => editor.current?.focusPointer(i.pointer)}>
                      {i.message}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </>
      )}

      <div className="spec-actions">
        {!deleted && (
          <>
            <button
              className="primary"
              disabled={!dirty || busy !== null}
              onClick={() => void save(name)}
              data-testid="save-spec"
            >
              Save
            </button>
            <button disabled={!dirty || busy !== null} onClick={() => setEdit(name, null)}>
              Revert
            </button>
          </>
        )}
        {!deleted && hasLive && (
          <button
            className="danger"
            disabled={busy !== null}
            onClick={() => void markForDeletion(name)}
            data-testid="mark-deletion"
          >
            Mark for deletion
          </button>
        )}
        {confirmRemove ? (
          <span className="confirm" role="alertdialog" aria-label={`Remove ${name} from the draft?`}>
            Remove {name} from this draft{dirty ? ' and lose your unsaved changes' : ''}?
            <button className="danger" onClick={() => void remove(name)} autoFocus>
              Remove
            </button>
            <button onClick={() => setConfirmRemove(false)}>Cancel</button>
          </span>
        ) : (
          <button disabled={busy !== null} onClick={() => setConfirmRemove(true)}>
            Remove from draft
          </button>
        )}
      </div>
    </section>
  );
}
