/**
 * Undo actions (drop the scratch database, stop the temporary cluster, close connections) run newest first,
 * once: at the end of an operation, or early when the user presses Ctrl-C in the middle of it.
 */
export class CleanupStack {
  private readonly actions: (() => Promise<unknown>)[] = [];
  private running: Promise<void> | null = null;

  /** Registers an undo action. */
  push(action: () => Promise<unknown>): void {
    this.actions.push(action);
  }

  /** Runs every action, newest first; failures of one do not stop the others. */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (let action = this.actions.pop(); action; action = this.actions.pop()) {
        await action().catch(() => undefined);
      }
    })();
    return this.running;
  }
}
