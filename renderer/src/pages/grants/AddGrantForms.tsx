import { useEffect, useState } from 'react';

import type { GrantCapability } from '../../../../shared/control-plane-rows.js';
import { CAPABILITIES, useGrantsStore } from '../../stores/grants-store.js';

/** Adds a user grant: the user is named by e-mail address. */
export function AddUserGrantForm(props: { readonly defaultObjectRole: string }): React.JSX.Element {
  const addUserGrant = useGrantsStore((s) => s.addUserGrant);
  const busy = useGrantsStore((s) => s.busy);
  const [email, setEmail] = useState('');
  const [objectRole, setObjectRole] = useDefaulted(props.defaultObjectRole);
  const [capability, setCapability] = useState<GrantCapability>('read');
  const [detail, setDetail] = useState('');
  return (
    <form
      className="panel grant-form"
      data-testid="add-user-grant"
      aria-label="Add a user grant"
      onSubmit={(e) => {
        e.preventDefault();
        void addUserGrant({ email, objectRole, capability, detail }).then((ok) => {
          if (ok) {
            setEmail('');
            setDetail('');
          }
        });
      }}
    >
      <h3>Grant a user</h3>
      <label>
        <span>User e-mail</span>
        <input
          type="email"
          required
          value={email}
          placeholder="carol@example.com"
          onChange={(e) => setEmail(e.target.value)}
        />
      </label>
      <ObjectRoleField value={objectRole} onChange={setObjectRole} />
      <CapabilityField value={capability} onChange={setCapability} />
      <DetailField value={detail} onChange={setDetail} />
      <button type="submit" disabled={busy !== null}>
        Add user grant
      </button>
    </form>
  );
}

/** Adds a role grant: specs under the subject role get a capability on the object role. */
export function AddRoleGrantForm(props: { readonly defaultObjectRole: string }): React.JSX.Element {
  const addRoleGrant = useGrantsStore((s) => s.addRoleGrant);
  const busy = useGrantsStore((s) => s.busy);
  const [subjectRole, setSubjectRole] = useState('');
  const [objectRole, setObjectRole] = useDefaulted(props.defaultObjectRole);
  const [capability, setCapability] = useState<GrantCapability>('read');
  const [detail, setDetail] = useState('');
  return (
    <form
      className="panel grant-form"
      data-testid="add-role-grant"
      aria-label="Add a role grant"
      onSubmit={(e) => {
        e.preventDefault();
        void addRoleGrant({ subjectRole, objectRole, capability, detail }).then((ok) => {
          if (ok) {
            setSubjectRole('');
            setDetail('');
          }
        });
      }}
    >
      <h3>Grant a role</h3>
      <label>
        <span>Subject role (its specs get the grant)</span>
        <input
          required
          value={subjectRole}
          placeholder="partnerCo/"
          onChange={(e) => setSubjectRole(e.target.value)}
        />
      </label>
      <ObjectRoleField value={objectRole} onChange={setObjectRole} />
      <CapabilityField value={capability} onChange={setCapability} />
      <DetailField value={detail} onChange={setDetail} />
      <button type="submit" disabled={busy !== null}>
        Add role grant
      </button>
    </form>
  );
}

/** A field's state that follows its default (roles load late) until the user edits it. */
function useDefaulted(defaultValue: string): [string, (value: string) => void] {
  const [value, setValue] = useState(defaultValue);
  const [edited, setEdited] = useState(false);
  useEffect(() => {
    if (!edited) setValue(defaultValue);
  }, [defaultValue, edited]);
  return [
    value,
    (next) => {
      setEdited(true);
      setValue(next);
    },
  ];
}

function ObjectRoleField(props: { value: string; onChange: (v: string) => void }): React.JSX.Element {
  return (
    <label>
      <span>Object role (a prefix ending in “/”)</span>
      <input
        required
        value={props.value}
        placeholder="acmeCo/"
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}

function CapabilityField(props: {
  value: GrantCapability;
  onChange: (v: GrantCapability) => void;
}): React.JSX.Element {
  return (
    <label>
      <span>Capability</span>
      <select
        aria-label="Capability"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value as GrantCapability)}
      >
        {CAPABILITIES.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    </label>
  );
}

function DetailField(props: { value: string; onChange: (v: string) => void }): React.JSX.Element {
  return (
    <label>
      <span>Detail (optional)</span>
      <input value={props.value} placeholder="Why" onChange={(e) => props.onChange(e.target.value)} />
    </label>
  );
}
