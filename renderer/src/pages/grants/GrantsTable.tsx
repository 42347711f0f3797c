import { ConfirmButton } from '../../components/ConfirmButton.js';
import type { CombinedGrantRow } from '../../../../shared/control-plane-rows.js';
import { useGrantsStore } from '../../stores/grants-store.js';

/** The grants as a table: who (a user or the specs under a role), on what, with which capability. */
export function GrantsTable({ grants }: { readonly grants: readonly CombinedGrantRow[] }): React.JSX.Element {
  return (
    <table className="grants-table" data-testid="grants-table">
      <thead>
        <tr>
          <th scope="col">Subject</th>
          <th scope="col">Object role</th>
          <th scope="col">Capability</th>
          <th scope="col">Detail</th>
          <th scope="col">Created</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {grants.map((g) => (
          <GrantRow key={`${g.user_id === null ? 'role' : 'user'}:${g.id}`} grant={g} />
        ))}
      </tbody>
    </table>
  );
}

function GrantRow({ grant }: { readonly grant: CombinedGrantRow }): React.JSX.Element {
  const removeGrant = useGrantsStore((s) => s.removeGrant);
  const busy = useGrantsStore((s) => s.busy);
  const isUser = grant.user_id !== null;
  const subject = isUser ? (grant.user_email ?? grant.user_id ?? '') : (grant.subject_role ?? '');
  return (
    <tr
      data-testid="grant-row"
      data-kind={isUser ? 'user' : 'role'}
      data-subject={subject}
      data-object={grant.object_role}
      data-capability={grant.capability}
    >
      <td>
        <span className={`kind kind-${isUser ? 'user' : 'role'}`}>{isUser ? 'user' : 'role'}</span>{' '}
        {isUser ? (
          <>
            <span>{grant.user_email ?? grant.user_id}</span>
            {grant.user_full_name && <span className="muted"> ({grant.user_full_name})</span>}
          </>
        ) : (
          <code>{grant.subject_role}</code>
        )}
      </td>
      <td>
        <code>{grant.object_role}</code>
      </td>
      <td>
        <span className={`capability cap-${grant.capability}`}>{grant.capability}</span>
      </td>
      <td className="detail">{grant.detail ?? ''}</td>
      <td className="muted" title={grant.created_at}>
        {new Date(grant.created_at).toLocaleString()}
      </td>
      <td className="row-actions">
        <ConfirmButton
          label="Remove"
          confirmLabel="Confirm remove"
          disabled={busy !== null}
          onConfirm={() => removeGrant(grant)}
          ariaLabel={`Remove ${grant.capability} on ${grant.object_role} from ${subject}`}
        />
      </td>
    </tr>
  );
}
