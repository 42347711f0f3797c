/**
 * Calls `onParentGone` once the process that started us has exited. Node has no PR_SET_PDEATHSIG, so child
 * services poll their parent pid: when a supervisor is killed hard, its children then stop by themselves
 * instead of holding ports until the next start cleans them up.
 */
export function exitWithParent(onParentGone: () => void, intervalMs = 1000): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      onParentGone();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
