import type { ServiceInfo } from '../../shared/service-info.js';
import type { StackState, StackStatus } from '../../shared/stack-status.js';

/** The quick actions of the tray menu. */
export type TrayAction = 'open-window' | 'restart-stack' | 'copy-db-url' | 'show-logs' | 'quit';

/** One menu entry: an action, or a disabled line of information. */
export type TrayMenuItem =
  | {
      readonly kind: 'action';
      readonly action: TrayAction;
      readonly label: string;
      readonly enabled: boolean;
    }
  | { readonly kind: 'info'; readonly label: string }
  | { readonly kind: 'separator' };

/** What the tray shows: a tooltip and a menu, derived from the stack's status alone. */
export interface TrayModel {
  readonly tooltip: string;
  readonly items: readonly TrayMenuItem[];
}

const STATE_LABEL: Readonly<Record<StackState, string>> = {
  starting: 'starting…',
  running: 'running',
  degraded: 'degraded',
  stopping: 'stopping…',
  stopped: 'stopped',
};

const UNHEALTHY: ReadonlySet<ServiceInfo['state']> = new Set(['unhealthy', 'crashed', 'failed']);

/** The tray's tooltip and menu for a status (null: not known yet, the supervisor is still coming up). */
export function trayModel(status: StackStatus | null): TrayModel {
  const state: StackState = status?.state ?? 'starting';
  const troubled = (status?.services ?? []).filter((s) => UNHEALTHY.has(s.state));
  const headline = `Flow Desktop — stack ${STATE_LABEL[state]}`;
  const detail = troubled.length > 0 ? ` (${troubled.map((s) => `${s.name} ${s.state}`).join(', ')})` : '';
  const busy = state === 'starting' || state === 'stopping';
  const items: TrayMenuItem[] = [
    { kind: 'info', label: `Stack: ${STATE_LABEL[state]}` },
    ...troubled.map((s): TrayMenuItem => ({ kind: 'info', label: `  ${s.name}: ${s.state}` })),
    { kind: 'separator' },
    { kind: 'action', action: 'open-window', label: 'Open Flow Desktop', enabled: true },
    { kind: 'action', action: 'restart-stack', label: 'Restart stack', enabled: status !== null && !busy },
    {
      kind: 'action',
      action: 'copy-db-url',
      label: 'Copy database URL',
      enabled: Boolean(status?.connection.DB_URL),
    },
    { kind: 'action', action: 'show-logs', label: 'Show logs', enabled: true },
    { kind: 'separator' },
    { kind: 'action', action: 'quit', label: 'Quit', enabled: true },
  ];
  return { tooltip: headline + detail, items };
}
