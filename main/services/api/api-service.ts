import type { ServiceSpec } from '../../supervisor/service-spec.js';
import type { StackServiceContext } from '../../stack/stack-services.js';

/** The Supabase-compatible API (REST, Auth) and the mailbox; not built yet (issue 4). */
export function apiServices(_ctx: StackServiceContext): ServiceSpec[] {
  return [];
}
