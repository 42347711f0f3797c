import { ConfirmButton } from '../../components/ConfirmButton.js';
import { useAuthStore } from '../../stores/auth-store.js';
import type { AuthRoleRow, CombinedGrantRow } from '../../../../shared/control-plane-rows.js';
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

/** The tenant a prefix belongs to: its first part (`aliceCo/` of `aliceCo/shared/`). */
function tenantOf(prefix: string): string {
  return `${prefix.split('/')[0] ?? ''}/`;
}

/**
 * Why removing a grant deserves a second look, or null: the user's own admin grant (they lose the right to manage
 * the prefix, and to undo this), or a grant on another tenant's prefix (access that tenant gave).
 */
export function removalWarning(
  grant: CombinedGrantRow,
  userId: string | null,
  roles: readonly AuthRoleRow[],
): string | null {
  if (grant.user_id !== null && grant.user_id === userId && grant.capability === 'admin')
    return `This is your own admin grant on ${grant.object_role}: without it you can no longer manage ${grant.object_role}, nor undo this, until another admin grants it back.`;
  const tenant = tenantOf(grant.object_role);
  const mine = roles.some((r) => r.capability === 'admin' && tenantOf(r.role_prefix) === tenant);
  if (!mine)
    return `This grant is on ${grant.object_role}, which belongs to ${tenant}, another tenant: removing it takes away access they gave.`;
  return null;
}

function GrantRow({ grant }: { readonly grant: CombinedGrantRow }): React.JSX.Element {
  const removeGrant = useGrantsStore((s) => s.removeGrant);
  const busy = useGrantsStore((s) => s.busy);
  const me = useAuthStore((s) => s.user?.id);
  const roles = useAuthStore((s) => s.roles);
  const isUser = grant.user_id !== null;
  const subject = isUser ? (grant.user_email ?? grant.user_id ?? '') : (grant.subject_role ?? '');
  const warning = removalWarning(grant, me ?? null, roles);
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
          warning={warning}
        />
      </td>
    </tr>
  );
}
