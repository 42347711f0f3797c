import { useEffect, useState } from 'react';

import { useAuthStore } from '../../stores/auth-store.js';
import {
  DIRECTIVE_TYPES,
  type DirectiveInput,
  type DirectiveType,
  directiveInputProblem,
  OPS_ONLY_TYPES,
  useDirectivesStore,
} from '../../stores/directives-store.js';

/** What each directive type does when applied, for the form's hint. */
const TYPE_HELP: Record<DirectiveType, string> = {
  betaOnboard: 'Creates a new tenant for whoever applies it (they name it). Only under ops/.',
  clickToAccept: 'Records that the user accepted a version of the terms. Only under ops/.',
  grant: 'Grants whoever applies it a capability on a prefix within this directive’s prefix.',
};

/** Creates a directive under a prefix the user administers. */
export function CreateDirectiveForm(): React.JSX.Element {
  const create = useDirectivesStore((s) => s.create);
  const busy = useDirectivesStore((s) => s.busy);
  const roles = useAuthStore((s) => s.roles);
  const adminOf = roles.filter((r) => r.capability === 'admin').map((r) => r.role_prefix);
  const [type, setType] = useState<DirectiveType>('grant');
  const [catalogPrefix, setCatalogPrefix] = useState('');
  const [prefixEdited, setPrefixEdited] = useState(false);
  const [grantedPrefix, setGrantedPrefix] = useState('');
  const [capability, setCapability] = useState<'read' | 'write' | 'admin'>('read');
  const [singleUse, setSingleUse] = useState(true);
  const [detail, setDetail] = useState('');
  const [tried, setTried] = useState(false);

  // Until the user picks a prefix: ops/ for the types that need it, else their first admin prefix.
  const suggested = OPS_ONLY_TYPES.includes(type) && adminOf.includes('ops/') ? 'ops/' : (adminOf[0] ?? '');
  useEffect(() => {
    if (!prefixEdited) setCatalogPrefix(suggested);
  }, [prefixEdited, suggested]);

  const input: DirectiveInput = {
    catalogPrefix,
    type,
    singleUse,
    detail,
    ...(type === 'grant' ? { grantedPrefix: grantedPrefix || catalogPrefix, capability } : {}),
  };
  const problem = directiveInputProblem(input);
  return (
    <form
      className="directive-form"
      data-testid="create-directive"
      aria-label="Create a directive"
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (problem) return;
        void create(input).then((created) => {
          if (created) {
            setDetail('');
            setTried(false);
          }
        });
      }}
    >
      <label>
        <span>Type</span>
        <select aria-label="Type" value={type} onChange={(e) => setType(e.target.value as DirectiveType)}>
          {DIRECTIVE_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>Catalog prefix (you administer it)</span>
        <input
          value={catalogPrefix}
          placeholder="acmeCo/"
          list="admin-prefixes"
          onChange={(e) => {
            setPrefixEdited(true);
            setCatalogPrefix(e.target.value);
          }}
        />
        <datalist id="admin-prefixes">
          {adminOf.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
      </label>
      {type === 'grant' && (
        <>
          <label>
            <span>Granted prefix</span>
            <input
              value={grantedPrefix}
              placeholder={catalogPrefix || 'acmeCo/shared/'}
              onChange={(e) => setGrantedPrefix(e.target.value)}
            />
          </label>
          <label>
            <span>Capability</span>
            <select
              aria-label="Capability"
              value={capability}
              onChange={(e) => setCapability(e.target.value as 'read' | 'write' | 'admin')}
            >
              <option value="read">read</option>
              <option value="write">write</option>
              <option value="admin">admin</option>
            </select>
          </label>
        </>
      )}
      <label>
        <span>Detail (optional)</span>
        <input value={detail} placeholder="Who it is for" onChange={(e) => setDetail(e.target.value)} />
      </label>
      <label className="inline">
        <input type="checkbox" checked={singleUse} onChange={(e) => setSingleUse(e.target.checked)} />
        <span>Single use (the token works once)</span>
      </label>
      <p className="muted type-help">{TYPE_HELP[type]}</p>
      {tried && problem && (
        <p className="field-problem" role="alert" data-testid="directive-problem">
          {problem}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy !== null}>
          Create directive
        </button>
      </div>
    </form>
  );
}
