import { useDirectivesStore } from '../../stores/directives-store.js';
import { describeSpec } from './claims-schemas.js';

/** The user's own applications of directives, with their status; unfinished ones can be continued. */
export function AppliedDirectives(): React.JSX.Element | null {
  const applied = useDirectivesStore((s) => s.applied);
  const pending = useDirectivesStore((s) => s.pending);
  const resume = useDirectivesStore((s) => s.resume);
  if (applied.length === 0) return null;
  return (
    <section className="panel" data-testid="applied-directives">
      <h3>Your applications</h3>
      <table className="directives-table">
        <thead>
          <tr>
            <th scope="col">Directive</th>
            <th scope="col">Prefix</th>
            <th scope="col">Claims</th>
            <th scope="col">Status</th>
            <th scope="col">Exchanged</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {applied.map((a) => {
            const status = a.job_status;
            const open = status.type !== 'success' && (status.type !== 'queued' || a.user_claims === null);
            return (
              <tr key={a.id} data-testid="applied-row" data-status={status.type}>
                <td>{a.directives ? describeSpec(a.directives.spec) : a.directive_id}</td>
                <td>
                  <code>{a.directives?.catalog_prefix ?? ''}</code>
                </td>
                <td>
                  <code>{a.user_claims === null ? 'not yet given' : JSON.stringify(a.user_claims)}</code>
                </td>
                <td>
                  <span className={`status status-${status.type}`}>
                    {status.type === 'queued' && a.user_claims === null
                      ? 'waiting for your claims'
                      : status.type}
                  </span>
                  {'error' in status && <div className="status-error">{status.error}</div>}
                </td>
                <td className="muted">{new Date(a.created_at).toLocaleString()}</td>
                <td className="row-actions">
                  {open && a.directives && pending?.applied.id !== a.id && (
                    <button onClick={() => resume(a)}>Continue</button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
