import { ConfirmButton } from '../../components/ConfirmButton.js';
import type { DirectiveRow } from '../../../../shared/control-plane-rows.js';
import { useDirectivesStore } from '../../stores/directives-store.js';
import { describeSpec } from './claims-schemas.js';
import { CreateDirectiveForm } from './CreateDirectiveForm.js';
import { DirectiveToken } from './DirectiveToken.js';

/** Directives under the prefixes the user administers: create, show their tokens, delete. */
export function AdministeredDirectives(): React.JSX.Element {
  const administered = useDirectivesStore((s) => s.administered);
  // The admin roles of the same load as the lists: this view shows only once that load succeeded.
  const administersNone = useDirectivesStore((s) => s.adminOf.length === 0);
  if (administersNone && administered.length === 0) {
    // A form whose every submission the database refuses is a dead end: say what would open it instead.
    return (
      <section className="panel" data-testid="administered-directives">
        <h3>Directives you administer</h3>
        <p className="muted" data-testid="directives-no-admin">
          You administer no prefix, so you cannot create directives. An admin of a prefix can grant you admin
          on it (Grants), or give you the token of a grant directive to apply above.
        </p>
      </section>
    );
  }
  return (
    <section className="panel" data-testid="administered-directives">
      <h3>Directives you administer</h3>
      <CreateDirectiveForm />
      {administered.length === 0 ? (
        <p className="muted" data-testid="directives-empty">
          No directives under the prefixes you administer. Create one above and hand its token to the person
          who should apply it.
        </p>
      ) : (
        <table className="directives-table">
          <thead>
            <tr>
              <th scope="col">Directive</th>
              <th scope="col">Prefix</th>
              <th scope="col">Token</th>
              <th scope="col">Detail</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {administered.map((d) => (
              <DirectiveItem key={d.id} directive={d} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function DirectiveItem({ directive }: { readonly directive: DirectiveRow }): React.JSX.Element {
  const remove = useDirectivesStore((s) => s.remove);
  const busy = useDirectivesStore((s) => s.busy);
  return (
    <tr
      data-testid="directive-row"
      data-type={directive.spec.type}
      data-prefix={directive.catalog_prefix}
      data-id={directive.id}
    >
      <td>
        {describeSpec(directive.spec)}
        {directive.single_use && <span className="pill single-use">single use</span>}
      </td>
      <td>
        <code>{directive.catalog_prefix}</code>
      </td>
      <td>
        <DirectiveToken token={directive.token} singleUse={directive.single_use} />
      </td>
      <td className="detail">{directive.detail ?? ''}</td>
      <td className="muted">{new Date(directive.created_at).toLocaleString()}</td>
      <td className="row-actions">
        <ConfirmButton
          label="Delete"
          confirmLabel="Confirm delete"
          disabled={busy !== null}
          onConfirm={() => remove(directive)}
        />
      </td>
    </tr>
  );
}
