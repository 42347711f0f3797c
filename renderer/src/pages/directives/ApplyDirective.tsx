import { useState } from 'react';

import { JobProgress } from '../../components/jobs/JobProgress.js';
import { type FormObject, SchemaForm } from '../../components/forms/SchemaForm.js';
import { useAuthStore } from '../../stores/auth-store.js';
import { useDirectivesStore } from '../../stores/directives-store.js';
import { jobKey, useJobsStore } from '../../stores/jobs-store.js';
import { claimsErrors, claimsSchema, describeSpec } from './claims-schemas.js';
import { ErrorNotice } from '../../components/feedback/ErrorNotice.js';

/** Applying a directive: exchange its token, fill in the claims its type asks for, follow the agent's job. */
export function ApplyDirective(): React.JSX.Element {
  const pending = useDirectivesStore((s) => s.pending);
  const submitted = useDirectivesStore((s) => s.submitted);
  const applyError = useDirectivesStore((s) => s.applyError);
  const busy = useDirectivesStore((s) => s.busy);
  const exchangeToken = useDirectivesStore((s) => s.exchangeToken);
  const submitClaims = useDirectivesStore((s) => s.submitClaims);
  const clearPending = useDirectivesStore((s) => s.clearPending);
  const roles = useAuthStore((s) => s.roles);
  const [token, setToken] = useState('');
  const [claims, setClaims] = useState<FormObject>({});
  const job = useJobsStore((s) =>
    pending && submitted ? s.jobs[jobKey('applied_directives', pending.applied.id)] : undefined,
  );
  const running = submitted && (!job || job.endedAt === null);
  const succeeded = submitted && job?.endedAt !== null && job?.status.type === 'success';

  return (
    <section className="panel apply-directive" data-testid="apply-directive">
      <h3>Apply a directive</h3>
      {!pending && (
        <form
          className="token-form"
          onSubmit={(e) => {
            e.preventDefault();
            void exchangeToken(token).then((p) => {
              if (p) {
                setToken('');
                setClaims({});
              }
            });
          }}
        >
          <p className="muted">
            A directive&apos;s token (from an invitation or an admin) lets the agent act for you, e.g. create
            your own tenant.
          </p>
          <input
            data-testid="token-input"
            aria-label="Directive token"
            placeholder="453e00cd-e12a-4ce5-b12d-3837aa385751"
            value={token}
            onChange={(e) => setToken(e.target.value)}
          />
          <button type="submit" disabled={busy !== null || token.trim() === ''}>
            {busy === 'Exchanging the token…' ? busy : 'Exchange token'}
          </button>
        </form>
      )}
      {applyError && <ErrorNotice error={applyError} testId="apply-error" />}
      {pending && (
        <div className="pending-application" data-testid="pending-application">
          <p>
            Applying <strong data-testid="pending-type">{describeSpec(pending.directive.spec)}</strong> under{' '}
            <code>{pending.directive.catalog_prefix}</code>
            {pending.directive.detail ? ` — ${pending.directive.detail}` : ''}
          </p>
          {!succeeded && (
            <SchemaForm
              schema={claimsSchema(pending.directive.spec)}
              formData={claims}
              onChange={setClaims}
              onSubmit={(data) => void submitClaims(data)}
              transformErrors={claimsErrors}
              disabled={running || busy !== null}
              idPrefix="claims"
              testId="claims-form"
            >
              <div className="form-actions">
                <button type="submit" className="primary" disabled={running || busy !== null}>
                  {running ? 'Applying…' : submitted ? 'Apply again' : 'Apply'}
                </button>
                <button type="button" onClick={clearPending} disabled={running}>
                  Cancel
                </button>
              </div>
            </SchemaForm>
          )}
          {submitted && (
            <JobProgress table="applied_directives" id={pending.applied.id} title="Applying the directive" />
          )}
          {succeeded && (
            <div className="apply-done" data-testid="apply-done">
              <p>
                Applied. Your roles now:{' '}
                <span data-testid="roles-after">
                  {roles.length === 0
                    ? 'none'
                    : roles.map((r) => `${r.role_prefix} (${r.capability})`).join(', ')}
                </span>
              </p>
              <button onClick={clearPending}>Done</button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
