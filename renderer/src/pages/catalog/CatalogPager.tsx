/** First/previous/next/last page buttons with "page N of M". */
export function CatalogPager(props: {
  readonly page: number;
  readonly pages: number;
  readonly onPage: (page: number) => void;
}): React.JSX.Element {
  const { page, pages, onPage } = props;
  return (
    <nav className="catalog-pager" aria-label="Pages">
      <button onClick={() => onPage(1)} disabled={page <= 1} data-testid="page-first">
        « First
      </button>
      <button onClick={() => onPage(page - 1)} disabled={page <= 1} data-testid="page-previous">
        ‹ Previous
      </button>
      <span data-testid="page-of">
        Page {page.toLocaleString('en-US')} of {pages.toLocaleString('en-US')}
      </span>
      <button onClick={() => onPage(page + 1)} disabled={page >= pages} data-testid="page-next">
        Next ›
      </button>
      <button onClick={() => onPage(pages)} disabled={page >= pages} data-testid="page-last">
        Last »
      </button>
    </nav>
  );
}
