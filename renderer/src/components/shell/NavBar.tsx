import { ROUTES, type RouteEntry } from '../../app/routes.js';
import { routePath, useRouter } from '../../app/router.js';

/** The navigation: one tab per view, grouped into the stack and the control plane. */
export function NavBar({ current }: { readonly current: RouteEntry }): React.JSX.Element {
  const navigate = useRouter((s) => s.navigate);
  const groups = [...new Set(ROUTES.map((r) => r.group))];
  return (
    <nav className="tabs" role="tablist" aria-label="Views">
      {groups.map((group) => (
        <div key={group} className="tab-group" role="presentation">
          <span className="tab-group-label" aria-hidden="true">
            {group}
          </span>
          {ROUTES.filter((r) => r.group === group).map((route) => (
            <button
              key={route.segment}
              role="tab"
              aria-selected={route === current}
              className={route === current ? 'active' : ''}
              onClick={() => navigate(routePath(route.segment))}
            >
              {route.label}
            </button>
          ))}
        </div>
      ))}
    </nav>
  );
}
