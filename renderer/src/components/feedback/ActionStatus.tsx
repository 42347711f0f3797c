/**
 * The toolbar's live status of a page's actions: the running one with a spinner, else the last one's notice.
 * In the toolbar because a status line of its own left a gap above the panels when idle.
 */
export function ActionStatus({
  busy,
  notice,
  testId,
}: {
  busy: string | null | undefined;
  notice: string | null | undefined;
  testId: string;
}) {
  return (
    <div role="status" aria-live="polite" className="action-status">
      {busy && (
        <span>
          <span className="spinner inline" aria-hidden="true" /> {busy}
        </span>
      )}
      {notice && !busy && (
        <span className="notice-good" data-testid={testId}>
          {notice}
        </span>
      )}
    </div>
  );
}
