import type { ServiceSpec } from '../../supervisor/service-spec.js';
import type { StackServiceContext } from '../../stack/stack-services.js';

/** The control-plane agent instances; not built yet (issue 5). */
export function agentServices(_ctx: StackServiceContext): ServiceSpec[] {
  return [];
}
