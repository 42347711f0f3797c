import { ROUTES, type RouteEntry } from '../../app/routes.js';
import { routePath, useRouter } from '../../app/router.js';
import { useStackStore } from '../../stores/stack-store.js';
import { ThemeToggle } from './ThemeToggle.js';

/** The navigation: the stack's views and the control plane's, each with its icon, and the stack's state. */
export function Sidebar({ current }: { readonly current: RouteEntry }): React.JSX.Element {
  const navigate = useRouter((s) => s.navigate);
  const status = useStackStore((s) => s.status);
  const connected = useStackStore((s) => s.connected);
  const groups = [...new Set(ROUTES.map((r) => r.group))];
  const state = connected ? (status?.state ?? '…') : 'disconnected';
  return (
    <aside className="sidebar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          F
        </span>
        <span className="brand-name">Flow Desktop</span>
      </div>
      <div className={`stack-state state-${connected ? (status?.state ?? 'unknown') : 'stopped'}`}>
        <span className="dot" aria-hidden="true" />
        <span>Stack</span>
        <span className="stack-state-word" data-testid="stack-state">
          {state}
        </span>
      </div>
      {/* A vertical tab list: one view shows at a time. */}
      <nav aria-label="Views" role="tablist" aria-orientation="vertical">
        {groups.map((group) => (
          <div key={group} className="nav-group">
            <h2 className="nav-group-label">{group}</h2>
            <ul role="presentation">
              {ROUTES.filter((r) => r.group === group).map((route) => {
                const Icon = route.icon;
                const active = route === current;
                return (
                  <li key={route.segment} role="presentation">
                    <a
                      href={`#${routePath(route.segment)}`}
                      role="tab"
                      aria-selected={active}
                      className={active ? 'active' : undefined}
                      data-testid={`nav-${route.segment}`}
                      onClick={(e) => {
                        // Through the router, so a view with unsaved edits can ask first.
                        e.preventDefault();
                        navigate(routePath(route.segment));
                      }}
                    >
                      <Icon size={16} strokeWidth={1.75} aria-hidden="true" />
                      <span>{route.label}</span>
                    </a>
                  </li>
                );
              })}
            </ul>
          </div>
        ))}
      </nav>
      <div className="sidebar-foot">
        <ThemeToggle />
      </div>
    </aside>
  );
}
