import { READY_STATES, type ServiceInfo } from '../../../../shared/service-info.js';
import type { StackStatus } from '../../../../shared/stack-status.js';

/** The services the control-plane views need, in start order: the first one down is the one to name. */
const CONTROL_PLANE_SERVICES = ['postgres', 'migrate', 'supabase-api'] as const;

/** The first service the control plane needs that is not up, or null (also while nothing is known yet). */
export function controlPlaneDown(status: StackStatus | null): ServiceInfo | null {
  if (!status) return null;
  for (const name of CONTROL_PLANE_SERVICES) {
    const service = status.services.find((s) => s.name === name);
    if (service && !READY_STATES.includes(service.state)) return service;
  }
  return null;
}

/** A service's state as a short phrase ("stopped", "starting", "crashed and restarting"). */
export function statePhrase(service: ServiceInfo): string {
  const phrases: Partial<Record<ServiceInfo['state'], string>> = {
    crashed: 'crashed and is restarting',
    waiting: 'waiting for the services it needs',
    unhealthy: 'not healthy',
  };
  return phrases[service.state] ?? service.state;
}
