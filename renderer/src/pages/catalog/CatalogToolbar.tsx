import { useEffect, useRef, useState } from 'react';

import {
  CATALOG_TYPES,
  type CatalogQuery,
  type CatalogSortKey,
  type CatalogTypeFilter,
  PAGE_SIZES,
  prefixProblem,
} from '../../stores/catalog-store.js';

const SORT_LABELS: Readonly<Record<CatalogSortKey, string>> = {
  name: 'Name',
  updated: 'Last updated',
  published: 'Last publication',
};

// Typing in the prefix box updates the route (and so the query) once the typing pauses.
const PREFIX_DEBOUNCE_MS = 300;

/** The list's filters: type, name prefix, sort and direction, page size, deleted names. */
export function CatalogToolbar(props: {
  readonly query: CatalogQuery;
  readonly onChange: (patch: Partial<CatalogQuery>, options?: { replace?: boolean }) => void;
}): React.JSX.Element {
  const { query, onChange } = props;
  const [prefix, setPrefix] = useState(query.prefix);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // The route changed under us (back button, a link): show its prefix.
  useEffect(() => setPrefix(query.prefix), [query.prefix]);
  useEffect(() => () => clearTimeout(timer.current ?? undefined), []);
  const commit = (text: string, replace: boolean): void => {
    clearTimeout(timer.current ?? undefined);
    if (text !== query.prefix) onChange({ prefix: text }, { replace });
  };
  const problem = prefixProblem(prefix.trim());
  return (
    <div className="toolbar catalog-toolbar" role="search">
      <label>
        Type{' '}
        <select
          value={query.type}
          onChange={(e) => onChange({ type: e.target.value as CatalogTypeFilter })}
          data-testid="catalog-type"
        >
          {CATALOG_TYPES.map((t) => (
            <option key={t} value={t}>
              {t === 'all' ? 'all types' : t}
            </option>
          ))}
        </select>
      </label>
      <label>
        Name prefix{' '}
        <input
          type="search"
          value={prefix}
          placeholder="e.g. aliceCo/orders/"
          spellCheck={false}
          aria-invalid={problem !== null}
          onChange={(e) => {
            const text = e.target.value;
            setPrefix(text);
            clearTimeout(timer.current ?? undefined);
            timer.current = setTimeout(() => commit(text, true), PREFIX_DEBOUNCE_MS);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit(prefix, false);
          }}
          data-testid="catalog-prefix"
        />
      </label>
      <label>
        Sort by{' '}
        <select
          value={query.sort}
          onChange={(e) => onChange({ sort: e.target.value as CatalogSortKey })}
          data-testid="catalog-sort"
        >
          {Object.entries(SORT_LABELS).map(([key, label]) => (
            <option key={key} value={key}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <button
        onClick={() => onChange({ dir: query.dir === 'asc' ? 'desc' : 'asc' })}
        aria-label={`Sort ${query.dir === 'asc' ? 'descending' : 'ascending'}`}
        title={query.dir === 'asc' ? 'Ascending: click for descending' : 'Descending: click for ascending'}
        data-testid="catalog-dir"
        data-dir={query.dir}
      >
        {query.dir === 'asc' ? '↑ ascending' : '↓ descending'}
      </button>
      <label>
        Per page{' '}
        <select
          value={query.pageSize}
          onChange={(e) => onChange({ pageSize: Number(e.target.value) })}
          data-testid="catalog-page-size"
        >
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <label>
        <input
          type="checkbox"
          checked={query.deleted}
          onChange={(e) => onChange({ deleted: e.target.checked })}
          data-testid="catalog-deleted"
        />{' '}
        Show deleted names
      </label>
      {problem && (
        <p className="catalog-field-problem" role="alert" data-testid="prefix-problem">
          {problem}
        </p>
      )}
    </div>
  );
}
