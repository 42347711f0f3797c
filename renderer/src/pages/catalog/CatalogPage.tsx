import { useRouter } from '../../app/router.js';
import './catalog.css';
import { CatalogList } from './CatalogList.js';
import { SpecPage } from './SpecPage.js';

/** The catalog: the list at `#/catalog`, a spec's page at `#/catalog/<catalog name as one segment>`. */
export function CatalogPage(): React.JSX.Element {
  const name = useRouter((s) => s.route.segments[1]);
  return name ? <SpecPage name={name} /> : <CatalogList />;
}
