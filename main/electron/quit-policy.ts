/**
 * Who runs the supervisor the app shows:
 * - `child`: the app runs the supervisor (`flow-desktop serve`) as its child process, which ends with it;
 * - `detached`: the app started a background supervisor (`flow-desktop serve --detach`) because the user
 *   chose to keep the stack running after quitting;
 * - `attached`: a supervisor was already running (started by the CLI or an earlier app); the app only
 *   shows it.
 */
export type StackOwnership = 'child' | 'detached' | 'attached';

/** What quitting does with the stack. */
export interface QuitDecision {
  readonly stopStack: boolean;
  /** One sentence for the log (and the user, where it matters). */
  readonly reason: string;
}

/**
 * Decides what quitting does: the stack stops unless the user chose to keep it running; a stack the app did
 * not start is never stopped by it; a supervisor that is the app's child cannot outlive it.
 */
export function quitDecision(ownership: StackOwnership, keepRunningOnQuit: boolean): QuitDecision {
  switch (ownership) {
    case 'attached':
      return { stopStack: false, reason: 'the stack was started outside the app; it keeps running' };
    case 'detached':
      return keepRunningOnQuit
        ? {
            stopStack: false,
            reason: 'keep running on quit is on; the stack keeps running in the background',
          }
        : { stopStack: true, reason: 'stopping the stack (keep running on quit is off)' };
    case 'child':
      return keepRunningOnQuit
        ? {
            stopStack: true,
            reason:
              'stopping the stack: the app started it as its child; keep running on quit applies from the next start',
          }
        : { stopStack: true, reason: 'stopping the stack (keep running on quit is off)' };
  }
}

/** How the app should run the stack at start-up, given whether one already runs and the user's choice. */
export function startOwnership(alreadyRunning: boolean, keepRunningOnQuit: boolean): StackOwnership {
  if (alreadyRunning) return 'attached';
  return keepRunningOnQuit ? 'detached' : 'child';
}
