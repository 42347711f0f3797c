import {
  BookOpen,
  Cable,
  CircleHelp,
  Database,
  FilePenLine,
  KeyRound,
  ListChecks,
  type LucideIcon,
  Mail,
  Plug,
  RotateCcw,
  ScrollText,
  Server,
  Settings,
  Ticket,
  UserRound,
} from 'lucide-react';

import { ChecksPanel } from '../components/ChecksPanel.js';
import { ConnectionPanel } from '../components/ConnectionPanel.js';
import { LogsView } from '../components/LogsView.js';
import { MailboxPanel } from '../components/MailboxPanel.js';
import { ResetPanel } from '../components/ResetPanel.js';
import { SettingsPanel } from '../components/SettingsPanel.js';
import { NotFoundPage } from '../components/shell/NotFoundPage.js';
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
  readonly icon: LucideIcon;
  readonly Page: () => React.JSX.Element;
}

/** Every view of the GUI, in navigation order. Sub-routes (`/drafts/<id>`) are the page's own business. */
export const ROUTES: readonly RouteEntry[] = [
  {
    segment: 'services',
    icon: Server,
    label: 'Services',
    group: 'Stack',
    signedIn: false,
    Page: ServicesPage,
  },
  { segment: 'logs', icon: ScrollText, label: 'Logs', group: 'Stack', signedIn: false, Page: LogsView },
  {
    segment: 'connection',
    icon: Plug,
    label: 'Connection',
    group: 'Stack',
    signedIn: false,
    Page: ConnectionPanel,
  },
  { segment: 'mailbox', icon: Mail, label: 'Mailbox', group: 'Stack', signedIn: false, Page: MailboxPanel },
  { segment: 'resets', icon: RotateCcw, label: 'Resets', group: 'Stack', signedIn: false, Page: ResetPanel },
  {
    segment: 'settings',
    icon: Settings,
    label: 'Settings',
    group: 'Stack',
    signedIn: false,
    Page: SettingsPanel,
  },
  {
    segment: 'checks',
    icon: ListChecks,
    label: 'Checks',
    group: 'Stack',
    signedIn: false,
    Page: ChecksPanel,
  },
  {
    segment: 'migrations',
    icon: Database,
    label: 'Migrations',
    group: 'Stack',
    signedIn: false,
    Page: MigrationsPage,
  },
  {
    segment: 'account',
    icon: UserRound,
    label: 'Account',
    group: 'Control plane',
    signedIn: false,
    Page: AccountPage,
  },
  {
    segment: 'drafts',
    icon: FilePenLine,
    label: 'Drafts',
    group: 'Control plane',
    signedIn: true,
    Page: DraftsPage,
  },
  {
    segment: 'catalog',
    icon: BookOpen,
    label: 'Catalog',
    group: 'Control plane',
    signedIn: true,
    Page: CatalogPage,
  },
  {
    segment: 'connectors',
    icon: Cable,
    label: 'Connectors',
    group: 'Control plane',
    signedIn: true,
    Page: ConnectorsPage,
  },
  {
    segment: 'grants',
    icon: KeyRound,
    label: 'Grants',
    group: 'Control plane',
    signedIn: true,
    Page: GrantsPage,
  },
  {
    segment: 'directives',
    icon: Ticket,
    label: 'Directives',
    group: 'Control plane',
    signedIn: true,
    Page: DirectivesPage,
  },
];

/** The view of an address that names none; not in the navigation. */
export const NOT_FOUND: RouteEntry = {
  segment: '(not found)',
  icon: CircleHelp,
  label: 'No such view',
  group: 'Stack',
  signedIn: false,
  Page: NotFoundPage,
};

/** The entry for a route's first segment: the services when there is none, NOT_FOUND when no view has it. */
export function findRoute(segment: string | undefined): RouteEntry {
  if (segment === undefined) return ROUTES[0] as RouteEntry;
  return ROUTES.find((r) => r.segment === segment) ?? NOT_FOUND;
}
