import { useEffect } from 'react';

import { useAuthStore } from '../../stores/auth-store.js';
import { useDirectivesStore } from '../../stores/directives-store.js';
import { AdministeredDirectives } from './AdministeredDirectives.js';
import { AppliedDirectives } from './AppliedDirectives.js';
import { ApplyDirective } from './ApplyDirective.js';
import './directives.css';
import { QueryStates } from '../../components/feedback/QueryStates.js';
import { ErrorNotice } from '../../components/feedback/ErrorNotice.js';
import { ActionStatus } from '../../components/feedback/ActionStatus.js';

/** Directives: apply one by token, the user's applications, and the directives they administer. */
export function DirectivesPage(): React.JSX.Element {
  const load = useDirectivesStore((s) => s.load);
  const error = useDirectivesStore((s) => s.error);
  const notice = useDirectivesStore((s) => s.notice);
  const busy = useDirectivesStore((s) => s.busy);
  const loaded = useDirectivesStore((s) => s.loaded);
  const loadError = useDirectivesStore((s) => s.loadError);
  const userId = useAuthStore((s) => s.user?.id ?? null);
  const forUser = useDirectivesStore((s) => s.forUser);
  useEffect(() => {
    forUser(userId);
    void load();
  }, [userId, forUser, load]);
  return (
    <section className="directives" data-testid="directives-page">
      <div className="toolbar">
        <h2 className="page-title">Directives</h2>
        <span className="muted">Operations the agent applies for whoever holds their token.</span>
        <ActionStatus busy={busy} notice={notice} testId="directives-notice" />
      </div>
      {error && <ErrorNotice error={error} testId="directives-error" />}
      <ApplyDirective />
      {/* Each list says when it is empty; a failed load replaces both. */}
      <QueryStates
        state={{ error: loadError, hasData: loaded }}
        what="your directives"
        name="directives"
        testIds={{ error: 'directives-load-error' }}
        onRetry={() => void load()}
      >
        <AppliedDirectives />
        <AdministeredDirectives />
      </QueryStates>
    </section>
  );
}
