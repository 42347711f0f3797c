import { useEffect, useMemo } from 'react';

import { type DraftEntry, referencedNames } from '../../../../shared/catalog/catalog-checks.js';

import { routePath, setLeaveGuard, useRouter } from '../../app/router.js';
import { ErrorNotice } from '../../components/feedback/ErrorNotice.js';
import { groupDraftErrors } from '../../lib/spec-errors.js';
import { useDraftsStore } from '../../stores/drafts-store.js';
import { AddSpecForm } from './AddSpecForm.js';
import { DraftHeader } from './DraftHeader.js';
import { useEditorCatalog } from './editor-catalog.js';
import { PublishPanel } from './PublishPanel.js';
import { SpecList } from './SpecList.js';
import { SpecPanel } from './SpecPanel.js';

/**
 * While specs have unsaved edits: the browser asks before the page is left or reloaded, and the GUI asks before
 * going to another view (choosing another spec of the draft keeps the edits, so it does not ask).
 */
function useUnsavedEditsGuard(draftId: string, unsaved: readonly string[]): void {
  const names = unsaved.join(', ');
  useEffect(() => {
    if (names === '') return;
    const onBeforeUnload = (event: BeforeUnloadEvent): void => {
      event.preventDefault();
      // Older browsers show the prompt only when returnValue is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    setLeaveGuard((to) =>
      to.segments[0] === 'drafts' && to.segments[1] === draftId
        ? null
        : `You have unsaved changes to ${names}. Leave this draft and lose them?`,
    );
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      setLeaveGuard(null);
    };
  }, [draftId, names]);
}

/** The editor of one draft (`#/drafts/<id>?spec=<name>`): its specs, the chosen spec, dry run and publish. */
export function DraftEditor({ draftId }: { readonly draftId: string }): React.JSX.Element {
  const editor = useDraftsStore((s) => s.editor);
  const publication = useDraftsStore((s) => s.publication);
  const busy = useDraftsStore((s) => s.busy);
  const error = useDraftsStore((s) => s.error);
  const clearError = useDraftsStore((s) => s.clearError);
  const openDraft = useDraftsStore((s) => s.openDraft);
  const route = useRouter((s) => s.route);
  const navigate = useRouter((s) => s.navigate);
  useEffect(() => {
    void openDraft(draftId);
  }, [draftId, openDraft]);
  const edits = useDraftsStore((s) => s.edits);
  useUnsavedEditsGuard(draftId, Object.keys(edits));

  const current = editor?.draftId === draftId ? editor : null;
  const specs = useMemo(() => current?.specs ?? [], [current]);
  const grouped = useMemo(
    () =>
      groupDraftErrors(
        current?.errors ?? [],
        specs.map((s) => s.catalog_name),
      ),
    [current, specs],
  );
  // The draft as the catalog checks see it: saved specs, with the unsaved edits that are valid JSON.
  const draftEntries = useMemo<DraftEntry[]>(
    () =>
      specs.map((s) => {
        let spec: unknown = s.spec;
        const edit = edits[s.catalog_name];
        if (edit !== undefined) {
          try {
            spec = JSON.parse(edit) as unknown;
          } catch {
            // Not JSON yet: the saved spec stands in.
          }
        }
        return { name: s.catalog_name, type: s.spec === null ? null : s.spec_type, spec };
      }),
    [specs, edits],
  );
  const catalog = useEditorCatalog(referencedNames(draftEntries));
  const run = publication?.draftId === draftId ? publication : null;
  const asked = route.query.get('spec');
  const selected = specs.find((s) => s.catalog_name === asked) ?? specs[0] ?? null;
  const select = (name: string): void =>
    navigate(`${routePath('drafts', draftId)}?spec=${encodeURIComponent(name)}`, { replace: true });

  const messages = (
    <div aria-live="polite" className="draft-messages">
      {busy && (
        <p className="busy-line" data-testid="drafts-busy">
          <span className="spinner" aria-hidden="true" /> {busy}
        </p>
      )}
      {error && <ErrorNotice error={error} testId="drafts-error" onDismiss={clearError} />}
    </div>
  );

  if (!current || (current.loading && !current.draft && !current.notFound)) {
    return (
      <section className="panel">
        {messages}
        <p className="muted">Loading the draft…</p>
      </section>
    );
  }
  if (current.notFound || !current.draft) {
    const published = run?.status?.type === 'success' && !run.dryRun;
    return (
      <section className="panel" data-testid={published ? 'draft-published' : 'draft-not-found'}>
        <button className="link" onClick={() => navigate(routePath('drafts'))}>
          ← Drafts
        </button>
        {messages}
        {published ? (
          <>
            <h2>Published</h2>
            <p className="muted">Every spec of the draft is live now, so the empty draft was deleted.</p>
          </>
        ) : (
          <>
            <h2>Draft not found</h2>
            <p>
              There is no draft <code>{draftId}</code> that you can see: it was published or deleted, or it
              belongs to another user (drafts are private to their owner).
            </p>
          </>
        )}
        {run && <PublishPanel run={run} />}
      </section>
    );
  }

  return (
    <section className="panel draft-editor" data-testid="draft-editor" data-draft-id={draftId}>
      <DraftHeader
        draft={current.draft}
        specCount={specs.length}
        running={run !== null && run.status === null}
      />
      {messages}
      {run && <PublishPanel run={run} />}
      {grouped.general.length > 0 && (
        <div className="spec-errors general-errors" data-testid="general-errors">
          <h4>Errors of the last publication about the whole draft</h4>
          <ul>
            {grouped.general.map((e, i) => (
              <li key={i} data-testid="draft-error">
                {e.detail} <span className="muted">({e.scope})</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="draft-body">
        <aside className="draft-side">
          <SpecList
            specs={specs}
            errors={grouped.bySpec}
            selected={selected?.catalog_name ?? null}
            onSelect={select}
          />
          <AddSpecForm
            onAdded={select}
            collections={[
              ...draftEntries.filter((d) => d.type === 'collection').map((d) => d.name),
              ...catalog.collections,
            ]}
            adminPrefixes={catalog.adminPrefixes}
          />
        </aside>
        <div className="draft-main">
          {selected ? (
            <SpecPanel
              key={selected.catalog_name}
              spec={selected}
              errors={grouped.bySpec.get(selected.catalog_name) ?? []}
              draft={draftEntries}
              catalog={catalog}
            />
          ) : (
            <div className="empty-state">
              <p>
                <strong>Nothing to edit yet.</strong>
              </p>
              <p className="muted">
                Add a capture, collection, materialization or test from a template, or open a live spec from
                the Catalog and choose Edit.
              </p>
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
