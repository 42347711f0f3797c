import { useEffect, useState } from 'react';

import type { CatalogSpecType } from '../../../../shared/control-plane-rows.js';
import { SPEC_TYPES } from '../../../../shared/catalog/spec-validation.js';
import { newSpecProblem, specTemplate, templateNeedsCollection } from '../../lib/spec-templates.js';
import { useDraftsStore } from '../../stores/drafts-store.js';

/**
 * Adds a spec of a type from its template, under a name within the prefixes the user administers (offered for
 * completion). Captures, materializations and tests bind a collection of the draft or of the catalog the user
 * may read, chosen with completion: a template never names a collection that does not exist.
 */
export function AddSpecForm(props: {
  readonly onAdded: (catalogName: string) => void;
  /** Collections of the draft, then the readable ones of the catalog. */
  readonly collections: readonly string[];
  /** Prefixes the user administers (where publishing may create specs). */
  readonly adminPrefixes: readonly string[];
}): React.JSX.Element {
  const { collections, adminPrefixes } = props;
  const busy = useDraftsStore((s) => s.busy);
  const addSpec = useDraftsStore((s) => s.addSpec);
  const prefix = adminPrefixes[0] ?? '';
  const [type, setType] = useState<CatalogSpecType>('collection');
  const [name, setName] = useState(prefix);
  const [collection, setCollection] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const offered = [...new Set(collections)];
  const firstCollection = offered[0] ?? '';
  // Until the user picks one, the picker shows the draft's first collection (or the catalog's).
  const chosen = collection === '' ? firstCollection : collection;
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
        const bound = chosen.trim();
        const why = newSpecProblem(trimmed, type, adminPrefixes, bound, offered);
        setProblem(why);
        if (why) return;
        void addSpec(trimmed, type, specTemplate(type, trimmed, bound)).then((added) => {
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
          list="add-spec-prefixes"
          data-testid="add-spec-name"
        />
        <datalist id="add-spec-prefixes">
          {adminPrefixes.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
      </label>
      {templateNeedsCollection(type) && (
        <label>
          Collection
          <input
            value={chosen}
            onChange={(e) => setCollection(e.target.value)}
            placeholder={
              offered.length ? 'a collection of the draft or the catalog' : 'add a collection first'
            }
            list="add-spec-collections"
            data-testid="add-spec-collection"
          />
          <datalist id="add-spec-collections" data-testid="add-spec-collection-options">
            {offered.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </label>
      )}
      {problem && (
        <p className="field-problem" role="alert">
          {problem}
        </p>
      )}
      {prefix === '' && (
        <p className="muted">You administer no prefix yet: publishing will need an admin grant.</p>
      )}
      <button type="submit" disabled={busy !== null} data-testid="add-spec">
        Add {type} from template
      </button>
    </form>
  );
}
