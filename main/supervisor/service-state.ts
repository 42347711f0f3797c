import type { ServiceState } from '../../shared/service-info.js';

/**
 * The allowed transitions of a service's state machine. Anything else is dropped, so that a late probe
 * result cannot, say, mark a stopping service healthy.
 */
const TRANSITIONS: Readonly<Record<ServiceState, readonly ServiceState[]>> = {
  stopped: ['waiting', 'starting', 'not-installed', 'failed'],
  waiting: ['starting', 'stopped', 'failed', 'not-installed'],
  starting: ['healthy', 'completed', 'crashed', 'failed', 'stopping', 'stopped'],
  healthy: ['unhealthy', 'crashed', 'failed', 'stopping'],
  unhealthy: ['healthy', 'crashed', 'failed', 'stopping'],
  stopping: ['stopped'],
  completed: ['starting', 'waiting', 'stopped', 'stopping'],
  crashed: ['starting', 'failed', 'stopped', 'stopping'],
  failed: ['starting', 'waiting', 'stopped'],
  'not-installed': ['starting', 'waiting', 'stopped'],
};

/** Whether a service may move from `from` to `to`. */
export function canTransition(from: ServiceState, to: ServiceState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** States in which the service's process or task is (or may be) running. */
export function isActive(state: ServiceState): boolean {
  return state === 'starting' || state === 'healthy' || state === 'unhealthy' || state === 'stopping';
}
