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

/** The current route, updated on back/forward and on `navigate`. */
export const useRouter = create<RouterStore>((set) => {
  window.addEventListener('hashchange', () => set({ route: parseHash(window.location.hash) }));
  return {
    route: parseHash(window.location.hash),
    navigate: (path, options) => {
      if (options?.replace) history.replaceState(null, '', `#${path}`);
      else history.pushState(null, '', `#${path}`);
      set({ route: parseHash(`#${path}`) });
    },
  };
});

/** Navigates to a path (outside React components and stores). */
export function navigate(path: string, options?: { replace?: boolean }): void {
  useRouter.getState().navigate(path, options);
}
