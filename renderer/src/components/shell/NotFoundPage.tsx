import { HOME_PATH, routePath, useRouter } from '../../app/router.js';
import { ROUTES } from '../../app/routes.js';

/**
 * The view of an address that names no view (`#/nope`, a stale bookmark): says so and links to the views that
 * exist, rather than quietly showing another view under the wrong address.
 */
export function NotFoundPage(): React.JSX.Element {
  const path = useRouter((s) => s.route.path);
  return (
    <div className="empty-state" data-testid="not-found">
      <p>
        There is no view at <code>#{path}</code>. It may have been renamed, or the link is mistyped.
      </p>
      <p>
        Go to <a href={`#${HOME_PATH}`}>Services</a>, or pick a view:{' '}
        {ROUTES.map((r, i) => (
          <span key={r.segment}>
            {i > 0 && ', '}
            <a href={`#${routePath(r.segment)}`}>{r.label}</a>
          </span>
        ))}
        .
      </p>
    </div>
  );
}
