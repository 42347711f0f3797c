import './drafts.css';

import { lazy, Suspense } from 'react';

import { useRouter } from '../../app/router.js';
import { DraftsList } from './DraftsList.js';

// The editor brings CodeMirror and the catalog validators: loaded when a draft is first opened.
const DraftEditor = lazy(() => import('./DraftEditor.js').then((m) => ({ default: m.DraftEditor })));

/** Drafts: the list at `#/drafts`, a draft's editor at `#/drafts/<id>`. */
export function DraftsPage(): React.JSX.Element {
  const draftId = useRouter((s) => s.route.segments[1]);
  if (!draftId) return <DraftsList />;
  return (
    <Suspense fallback={<p className="muted">Loading the draft editor…</p>}>
      <DraftEditor draftId={draftId} />
    </Suspense>
  );
}
