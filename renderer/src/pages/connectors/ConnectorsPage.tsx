import { useEffect } from 'react';

import { useRouter } from '../../app/router.js';
import { useAuthStore } from '../../stores/auth-store.js';
import { useConnectorsStore } from '../../stores/connectors-store.js';
import { ConnectorList } from './ConnectorList.js';
import { DiscoverWizard } from './DiscoverWizard.js';
import './connectors.css';

/** Connectors: the cards (`#/connectors`) and the discover wizard (`#/connectors/discover/<tag id>`). */
export function ConnectorsPage(): React.JSX.Element {
  const segments = useRouter((s) => s.route.segments);
  const userId = useAuthStore((s) => s.user?.id ?? null);
  const forUser = useConnectorsStore((s) => s.forUser);
  useEffect(() => forUser(userId), [userId, forUser]);
  if (segments[1] === 'discover') return <DiscoverWizard tagId={segments[2] ?? null} />;
  return <ConnectorList />;
}
