import type { ProcessIdentity } from './process-identity.js';
import { isSameProcess } from './process-identity.js';

/**
 * Stops a process we are not the parent of the way systemd stops a service: SIGTERM, at once followed by
 * SIGCONT so that even a stopped (suspended) process can act on it, then SIGKILL once `graceMs` has passed.
 * Only ever signals the very process described (same pid and start time). Says how it ended.
 */
export async function stopLikeSystemd(
  target: ProcessIdentity,
  graceMs: number,
): Promise<'terminated' | 'killed' | 'survived'> {
  const signal = (name: NodeJS.Signals): void => {
    if (!isSameProcess(target)) return;
    try {
      process.kill(target.pid, name);
    } catch {
      // Gone meanwhile.
    }
  };
  const gone = async (ms: number): Promise<boolean> => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (!isSameProcess(target)) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return !isSameProcess(target);
  };
  signal('SIGTERM');
  signal('SIGCONT');
  if (await gone(graceMs)) return 'terminated';
  signal('SIGKILL');
  return (await gone(5000)) ? 'killed' : 'survived';
}
