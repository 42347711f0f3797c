/** The first path segment of every top-level view of the GUI (renderer/src/app/routes.tsx), for tests visiting each. */
export const ROUTE_SEGMENTS = [
  'services',
  'logs',
  'connection',
  'mailbox',
  'resets',
  'settings',
  'checks',
  'migrations',
  'account',
  'drafts',
  'catalog',
  'connectors',
  'grants',
  'directives',
] as const;
