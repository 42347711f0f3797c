import { useEffect } from 'react';

import { hasSupabase } from '../../api/supabase.js';
import { PREVIEW_DOCUMENTS, useShardsStore } from '../../stores/shards-store.js';

/** The props of a journal preview. */
export interface JournalPreviewProps {
  readonly collection: string;
}

/** The first documents of a collection, read from its journals through the data-plane gateway. */
export function JournalPreview({ collection }: JournalPreviewProps): React.JSX.Element {
  const preview = useShardsStore((s) => s.journals[collection]);
  const load = useShardsStore((s) => s.loadJournal);
  const reload = (): void => {
    if (hasSupabase()) void load(collection);
  };
  useEffect(() => {
    if (hasSupabase()) void load(collection);
  }, [collection, load]);

  let body: React.JSX.Element;
  if (!preview || preview.status === 'loading') {
    body = <p className="muted">Reading the journals of {collection}…</p>;
  } else if (preview.status === 'no-data-plane') {
    body = (
      <p className="muted" data-testid="journal-no-data-plane">
        No data plane: no data-plane gateway answers, so there are no documents to show. ({preview.error})
      </p>
    );
  } else if (preview.status === 'error') {
    body = (
      <p className="error" role="alert">
        {preview.error}
      </p>
    );
  } else if (preview.documents.length === 0) {
    body = (
      <p className="muted">
        No documents yet
        {preview.journals.length === 0 ? ' (the collection has no journal in the data plane)' : ''}.
      </p>
    );
  } else {
    body = (
      <ol className="journal-documents" data-testid="journal-documents">
        {preview.documents.map((doc, i) => (
          <li key={i}>
            <pre>{JSON.stringify(doc, null, 2)}</pre>
          </li>
        ))}
      </ol>
    );
  }
  return (
    <section className="journal-preview" data-testid="journal-preview">
      <header className="card-head">
        <h3>First documents</h3>
        <span className="muted">
          {preview?.status === 'ready'
            ? `${preview.documents.length}${preview.truncated ? '+' : ''} of up to ${PREVIEW_DOCUMENTS}, from ${preview.journals.length} journal${preview.journals.length === 1 ? '' : 's'}`
            : ''}
        </span>
        <button type="button" onClick={reload} disabled={preview?.status === 'loading'}>
          Refresh
        </button>
      </header>
      {body}
    </section>
  );
}
