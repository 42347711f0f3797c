import { useEffect, useState } from 'react';

import { useAuthStore } from '../../stores/auth-store.js';
import { useGrantsStore } from '../../stores/grants-store.js';
import { AddRoleGrantForm, AddUserGrantForm } from './AddGrantForms.js';
import { GrantsTable } from './GrantsTable.js';
import './grants.css';
import { QueryStates } from '../../components/feedback/QueryStates.js';
import { ErrorNotice } from '../../components/feedback/ErrorNotice.js';
import { ActionStatus } from '../../components/feedback/ActionStatus.js';

/** Typing settles for this long before the filter goes to the server. */
const FILTER_DEBOUNCE_MS = 250;

/** Grants: every user and role grant the user may see, a filter, and adding and removing grants as admin. */
export function GrantsPage(): React.JSX.Element {
  const grants = useGrantsStore((s) => s.grants);
  const total = useGrantsStore((s) => s.total);
  const loading = useGrantsStore((s) => s.loading);
  const loaded = useGrantsStore((s) => s.loaded);
  const error = useGrantsStore((s) => s.error);
  const loadError = useGrantsStore((s) => s.loadError);
  const notice = useGrantsStore((s) => s.notice);
  const busy = useGrantsStore((s) => s.busy);
  const storedFilter = useGrantsStore((s) => s.filter);
  const setFilter = useGrantsStore((s) => s.setFilter);
  const load = useGrantsStore((s) => s.load);
  const roles = useAuthStore((s) => s.roles);
  const [filter, setFilterText] = useState(storedFilter);

  const userId = useAuthStore((s) => s.user?.id ?? null);
  const forUser = useGrantsStore((s) => s.forUser);
  useEffect(() => {
    forUser(userId);
    void load();
  }, [userId, forUser, load]);
  // Typing waits for a pause before the filter goes to the server.
  useEffect(() => {
    if (filter === useGrantsStore.getState().filter) return;
    const timer = setTimeout(() => {
      setFilter(filter);
      void load();
    }, FILTER_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [filter, setFilter, load]);

  const adminOf = roles.filter((r) => r.capability === 'admin').map((r) => r.role_prefix);
  return (
    <section className="grants" data-testid="grants-page">
      <div className="toolbar">
        <h2 className="page-title">Grants</h2>
        <input
          type="search"
          placeholder="Filter by prefix, e-mail or detail"
          aria-label="Filter grants"
          data-testid="grants-filter"
          value={filter}
          onChange={(e) => setFilterText(e.target.value)}
        />
        <span className="muted" data-testid="grants-count">
          {!loaded || loadError
            ? ''
            : total !== null && total > grants.length
              ? `${grants.length} of ${total} grants — narrow the filter to see the rest`
              : `${grants.length} grants`}
          {loading && loaded ? ' (refreshing…)' : ''}
        </span>
        <ActionStatus busy={busy} notice={notice} testId="grants-notice" />
      </div>
      <p className="muted">
        {adminOf.length > 0
          ? `You administer ${adminOf.join(', ')}: you may add and remove grants on ${adminOf.length === 1 ? 'it' : 'them'}.`
          : 'You administer no prefix: you may see grants but only remove your own user grants.'}{' '}
        Row-level security decides every change; a refused change shows the API’s message.
      </p>
      {error && <ErrorNotice error={error} testId="grants-error" />}
      <div className="grant-forms">
        <AddUserGrantForm defaultObjectRole={adminOf[0] ?? ''} />
        <AddRoleGrantForm defaultObjectRole={adminOf[0] ?? ''} />
      </div>
      <QueryStates
        state={{ error: loadError, hasData: loaded }}
        empty={grants.length === 0}
        what="the grants"
        name="grants"
        testIds={{ error: 'grants-load-error' }}
        onRetry={() => void load()}
        emptyContent={
          storedFilter.trim() === '' ? (
            <p>
              You see no grants: you hold no role yet. Ask an admin for a grant, or apply a directive
              (Directives).
            </p>
          ) : (
            <p>No grant matches “{storedFilter}”.</p>
          )
        }
      >
        <GrantsTable grants={grants} />
      </QueryStates>
    </section>
  );
}
