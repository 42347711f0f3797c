import { useEffect, useState } from 'react';

import type { CatalogSpecType } from '../../../../shared/control-plane-rows.js';
import { SPEC_TYPES } from '../../../../shared/catalog/spec-validation.js';
import { catalogNameProblem, specTemplate } from '../../lib/spec-templates.js';
import { useAuthStore, writablePrefixes } from '../../stores/auth-store.js';
import { useDraftsStore } from '../../stores/drafts-store.js';

/** Adds a spec of a type from its template, under a name starting with the user's first writable prefix. */
export function AddSpecForm(props: { readonly onAdded: (catalogName: string) => void }): React.JSX.Element {
  const roles = useAuthStore((s) => s.roles);
  const busy = useDraftsStore((s) => s.busy);
  const addSpec = useDraftsStore((s) => s.addSpec);
  const prefix = writablePrefixes(roles)[0] ?? '';
  const [type, setType] = useState<CatalogSpecType>('collection');
  const [name, setName] = useState(prefix);
  const [problem, setProblem] = useState<string | null>(null);
  // Roles arrive after sign-in: fill the prefix in once they do, unless the user typed a name already.
  useEffect(() => {
    setName((current) => (current === '' ? prefix : current));
  }, [prefix]);
  return (
    <form
      className="add-spec"
      aria-label="Add a spec"
      onSubmit={(e) => {
        e.preventDefault();
        const trimmed = name.trim();
        const why = catalogNameProblem(trimmed);
        setProblem(why);
        if (why) return;
        void addSpec(trimmed, type, specTemplate(type, trimmed)).then((added) => {
          if (added) {
            props.onAdded(trimmed);
            setName(prefix);
          }
        });
      }}
    >
      <h3>Add a spec</h3>
      <label>
        Type
        <select
          value={type}
          onChange={(e) => setType(e.target.value as CatalogSpecType)}
          data-testid="add-spec-type"
        >
          {SPEC_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label>
        Catalog name
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder={`${prefix || 'acmeCo/'}hello/greetings`}
          aria-invalid={problem !== null}
          data-testid="add-spec-name"
        />
      </label>
      {problem && (
        <p className="field-problem" role="alert">
          {problem}
        </p>
      )}
      {prefix === '' && (
        <p className="muted">You may not write to any prefix yet: publishing will need a grant.</p>
      )}
      <button type="submit" disabled={busy !== null} data-testid="add-spec">
        Add {type} from template
      </button>
    </form>
  );
}
