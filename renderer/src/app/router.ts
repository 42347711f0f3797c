import { create } from 'zustand';

/**
 * Hash routes (`#/drafts/<id>`), so a view can be linked, reloaded and opened by tests directly, with no server
 * routing. `#code=...` is the one-time sign-in code of the UI link, not a route.
 */
export interface Route {
  /** The path without the leading `#`, e.g. `/catalog/aliceCo/orders`. */
  readonly path: string;
  /** Decoded path segments: `['catalog', 'aliceCo/orders']` for the path above (see `routeSegments`). */
  readonly segments: readonly string[];
  /** Query parameters after `?` in the hash (`#/catalog?type=capture`). */
  readonly query: URLSearchParams;
}

interface RouterStore {
  route: Route;
  navigate: (path: string, options?: { replace?: boolean }) => void;
}

/** The default view: the stack's services. */
export const HOME_PATH = '/services';

/** Parses a location hash into a route; anything that is not a route (`#code=`, empty) is the home view. */
export function parseHash(hash: string): Route {
  const raw = hash.startsWith('#/') ? hash.slice(1) : HOME_PATH;
  const [pathPart = HOME_PATH, queryPart = ''] = raw.split('?', 2);
  const segments = pathPart
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
  return { path: pathPart, segments, query: new URLSearchParams(queryPart) };
}

/** Builds a path from segments, encoding each (catalog names contain `/`, which stays one segment). */
export function routePath(...segments: readonly string[]): string {
  return '/' + segments.map((s) => encodeURIComponent(s)).join('/');
}

/**
 * Asked before the route changes: a message when leaving to `to` would lose something (unsaved edits), or null.
 * One guard at a time: the view that has something to lose sets it while it does.
 */
export type LeaveGuard = (to: Route) => string | null;
let leaveGuard: LeaveGuard | null = null;

/** Sets (or clears, with null) the guard asked before every route change. */
export function setLeaveGuard(guard: LeaveGuard | null): void {
  leaveGuard = guard;
}

function mayLeave(to: Route): boolean {
  const message = leaveGuard?.(to) ?? null;
  return message === null || window.confirm(message);
}

function fullPath(route: Route): string {
  const query = route.query.toString();
  return query ? `${route.path}?${query}` : route.path;
}

/** The current route, updated on back/forward and on `navigate`. */
export const useRouter = create<RouterStore>((set, get) => {
  window.addEventListener('hashchange', () => {
    const to = parseHash(window.location.hash);
    // A link or the back button already changed the address: put it back when the user stays.
    if (!mayLeave(to)) {
      history.replaceState(null, '', `#${fullPath(get().route)}`);
      return;
    }
    set({ route: to });
  });
  return {
    route: parseHash(window.location.hash),
    navigate: (path, options) => {
      const to = parseHash(`#${path}`);
      if (!mayLeave(to)) return;
      if (options?.replace) history.replaceState(null, '', `#${path}`);
      else history.pushState(null, '', `#${path}`);
      set({ route: to });
    },
  };
});

/** Navigates to a path (outside React components and stores). */
export function navigate(path: string, options?: { replace?: boolean }): void {
  useRouter.getState().navigate(path, options);
}
