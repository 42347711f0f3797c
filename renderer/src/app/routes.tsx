import { ChecksPanel } from '../components/ChecksPanel.js';
import { ConnectionPanel } from '../components/ConnectionPanel.js';
import { LogsView } from '../components/LogsView.js';
import { MailboxPanel } from '../components/MailboxPanel.js';
import { ResetPanel } from '../components/ResetPanel.js';
import { SettingsPanel } from '../components/SettingsPanel.js';
import { AccountPage } from '../pages/account/AccountPage.js';
import { CatalogPage } from '../pages/catalog/CatalogPage.js';
import { ConnectorsPage } from '../pages/connectors/ConnectorsPage.js';
import { DirectivesPage } from '../pages/directives/DirectivesPage.js';
import { DraftsPage } from '../pages/drafts/DraftsPage.js';
import { GrantsPage } from '../pages/grants/GrantsPage.js';
import { MigrationsPage } from '../pages/migrations/MigrationsPage.js';
import { ServicesPage } from '../pages/stack/ServicesPage.js';

/** A top-level view: its first path segment, its label in the navigation, and whether it needs a sign-in. */
export interface RouteEntry {
  readonly segment: string;
  readonly label: string;
  readonly group: 'Stack' | 'Control plane';
  /** Control-plane views query the API as the signed-in user. */
  readonly signedIn: boolean;
  readonly Page: () => React.JSX.Element;
}

/** Every view of the GUI, in navigation order. Sub-routes (`/drafts/<id>`) are the page's own business. */
export const ROUTES: readonly RouteEntry[] = [
  { segment: 'services', label: 'Services', group: 'Stack', signedIn: false, Page: ServicesPage },
  { segment: 'logs', label: 'Logs', group: 'Stack', signedIn: false, Page: LogsView },
  { segment: 'connection', label: 'Connection', group: 'Stack', signedIn: false, Page: ConnectionPanel },
  { segment: 'mailbox', label: 'Mailbox', group: 'Stack', signedIn: false, Page: MailboxPanel },
  { segment: 'resets', label: 'Resets', group: 'Stack', signedIn: false, Page: ResetPanel },
  { segment: 'settings', label: 'Settings', group: 'Stack', signedIn: false, Page: SettingsPanel },
  { segment: 'checks', label: 'Checks', group: 'Stack', signedIn: false, Page: ChecksPanel },
  { segment: 'migrations', label: 'Migrations', group: 'Stack', signedIn: false, Page: MigrationsPage },
  { segment: 'account', label: 'Account', group: 'Control plane', signedIn: false, Page: AccountPage },
  { segment: 'drafts', label: 'Drafts', group: 'Control plane', signedIn: true, Page: DraftsPage },
  { segment: 'catalog', label: 'Catalog', group: 'Control plane', signedIn: true, Page: CatalogPage },
  {
    segment: 'connectors',
    label: 'Connectors',
    group: 'Control plane',
    signedIn: true,
    Page: ConnectorsPage,
  },
  { segment: 'grants', label: 'Grants', group: 'Control plane', signedIn: true, Page: GrantsPage },
  {
    segment: 'directives',
    label: 'Directives',
    group: 'Control plane',
    signedIn: true,
    Page: DirectivesPage,
  },
];

/** The entry for a route's first segment; unknown paths show the services. */
export function findRoute(segment: string | undefined): RouteEntry {
  return ROUTES.find((r) => r.segment === segment) ?? (ROUTES[0] as RouteEntry);
}
