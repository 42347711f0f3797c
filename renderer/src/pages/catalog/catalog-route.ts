import { routePath } from '../../app/router.js';
import {
  CATALOG_TYPES,
  type CatalogQuery,
  type CatalogSortKey,
  type CatalogTypeFilter,
  DEFAULT_CATALOG_QUERY,
  PAGE_SIZES,
} from '../../stores/catalog-store.js';

// The list's state lives in the route query (`#/catalog?type=capture&prefix=aliceCo/&page=2`), so a view of
// the catalog can be linked and reloaded. Defaults are left out of the link.

const SORTS: readonly CatalogSortKey[] = ['name', 'updated', 'published'];

function positiveInt(text: string | null): number | null {
  if (text === null || !/^\d{1,9}$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 ? n : null;
}

/** The list query a route's query parameters describe; anything unknown falls back to its default. */
export function parseCatalogQuery(params: URLSearchParams): CatalogQuery {
  const d = DEFAULT_CATALOG_QUERY;
  const type = params.get('type');
  const sort = params.get('sort');
  const dir = params.get('dir');
  const size = positiveInt(params.get('size'));
  return {
    type: CATALOG_TYPES.includes(type as CatalogTypeFilter) ? (type as CatalogTypeFilter) : d.type,
    prefix: params.get('prefix') ?? d.prefix,
    sort: SORTS.includes(sort as CatalogSortKey) ? (sort as CatalogSortKey) : d.sort,
    dir: dir === 'asc' || dir === 'desc' ? dir : d.dir,
    page: positiveInt(params.get('page')) ?? d.page,
    pageSize: size !== null && PAGE_SIZES.includes(size) ? size : d.pageSize,
    deleted: params.get('deleted') === '1',
  };
}

/** The route query of a list query (`?type=capture&page=2`), or '' for the defaults. */
export function catalogQueryString(query: CatalogQuery): string {
  const d = DEFAULT_CATALOG_QUERY;
  const params = new URLSearchParams();
  if (query.type !== d.type) params.set('type', query.type);
  if (query.prefix !== d.prefix) params.set('prefix', query.prefix);
  if (query.sort !== d.sort) params.set('sort', query.sort);
  if (query.dir !== d.dir) params.set('dir', query.dir);
  if (query.page !== d.page) params.set('page', String(query.page));
  if (query.pageSize !== d.pageSize) params.set('size', String(query.pageSize));
  if (query.deleted) params.set('deleted', '1');
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** The list's path for a query. */
export function catalogListPath(query: CatalogQuery): string {
  return `${routePath('catalog')}${catalogQueryString(query)}`;
}

/** The tabs of a spec's page. */
export type SpecTab = 'overview' | 'history' | 'flow';
export const SPEC_TABS: readonly { readonly tab: SpecTab; readonly label: string }[] = [
  { tab: 'overview', label: 'Overview' },
  { tab: 'history', label: 'History' },
  { tab: 'flow', label: 'Data flow' },
];

/** The tab a spec page's route names (overview by default). */
export function parseSpecTab(params: URLSearchParams): SpecTab {
  const tab = params.get('tab');
  return SPEC_TABS.some((t) => t.tab === tab) ? (tab as SpecTab) : 'overview';
}

/**
 * The path of a spec's page (`/catalog/<name as one segment>`), on a tab; `versions` picks the two versions
 * the history tab compares (publication ids).
 */
export function specPath(
  name: string,
  tab: SpecTab = 'overview',
  versions?: { readonly from: string; readonly to: string },
): string {
  const params = new URLSearchParams();
  if (tab !== 'overview') params.set('tab', tab);
  if (versions) {
    params.set('from', versions.from);
    params.set('to', versions.to);
  }
  const text = params.toString();
  return `${routePath('catalog', name)}${text === '' ? '' : `?${text}`}`;
}
