import type {
  OperationOptions,
  OperationRequester,
  StackOperationInfo,
  StackOperationKind,
} from '../../shared/control-api.js';
import type { StackOperationEvent } from '../../shared/stack-events.js';

/** A request refused because another operation runs, or because the stack is stopping. */
export class OperationBusy extends Error {
  constructor(
    readonly code: 'operation_in_progress' | 'stack_stopping',
    message: string,
    readonly running: StackOperationInfo | null,
    readonly queued: readonly StackOperationInfo[],
  ) {
    super(message);
  }
}

/** What to run. */
export interface OperationRequest extends OperationOptions {
  readonly kind: StackOperationKind;
  readonly service?: string;
}

const LABEL: Readonly<Record<StackOperationKind, string>> = {
  start: 'starting the stack',
  stop: 'stopping the stack',
  'restart-stack': 'restarting the stack',
  reset: 'a database reset',
  purge: 'a purge of the data',
  'start-service': 'starting',
  'stop-service': 'stopping',
  'restart-service': 'restarting',
};

/** "a database reset (op-3, asked by the GUI, running for 12 s)" */
export function describeOperation(op: StackOperationInfo, now = Date.now()): string {
  const what = op.service ? `${LABEL[op.kind]} ${op.service}` : LABEL[op.kind];
  const who =
    op.requestedBy === 'supervisor'
      ? 'at start-up'
      : `asked by the ${op.requestedBy === 'client' ? 'control API' : op.requestedBy.toUpperCase()}`;
  const since = op.startedAt
    ? `, running for ${Math.round((now - Date.parse(op.startedAt)) / 1000)} s`
    : ', not started yet';
  return `${what} (${op.id}, ${who}${since})`;
}

const MAX_WAITING = 8;

/**
 * The one queue of stack operations: start, stop, restart, reset, purge and per-service start/stop/restart run
 * one at a time, in the order asked, whoever asks — so a purge can never delete the cluster under a start in
 * flight. A request made while another runs waits its turn or, with `ifBusy: 'refuse'`, is refused naming what
 * runs. Stopping the stack goes first: it does not wait, and everything still waiting is refused.
 */
export class OperationQueue {
  private seq = 0;
  /** Admitted and not finished: the first is running (or about to), the others wait their turn. */
  private readonly admitted: StackOperationInfo[] = [];
  private running: StackOperationInfo | null = null;
  private readonly waiting = new Map<string, { go: () => void; refuse: (e: Error) => void }>();
  private tail: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(private readonly announce: (event: StackOperationEvent) => void = () => undefined) {}

  /** The operation running now. */
  current(): StackOperationInfo | null {
    return this.running;
  }

  /** The operations waiting their turn, in order. */
  queued(): StackOperationInfo[] {
    return this.admitted.filter((op) => this.waiting.has(op.id));
  }

  /** Runs `work` as one operation, after those before it; see the class comment for busy and stopping. */
  async run<T>(request: OperationRequest, work: (op: StackOperationInfo) => Promise<T>): Promise<T> {
    const op: StackOperationInfo = {
      id: `op-${++this.seq}`,
      kind: request.kind,
      service: request.service ?? null,
      requestedBy: request.requestedBy ?? 'client',
      queuedAt: new Date().toISOString(),
      startedAt: null,
    };
    if (this.stopping) this.refuse(op, 'stack_stopping', 'the stack is stopping');
    const ahead = this.admitted[0];
    if (ahead && (request.ifBusy ?? 'refuse') === 'refuse') {
      this.refuse(op, 'operation_in_progress', this.busyMessage());
    }
    if (this.admitted.length > MAX_WAITING) {
      this.refuse(
        op,
        'operation_in_progress',
        `${this.busyMessage()}, and ${this.admitted.length - 1} more wait`,
      );
    }
    this.admitted.push(op);
    const turn = new Promise<void>((go, refuse) => {
      if (ahead) this.waiting.set(op.id, { go, refuse });
      else go();
    });
    if (ahead) this.publish(op, 'queued', `waiting for ${describeOperation(this.running ?? ahead)}`);
    // The next operation waits for the one before ours and for ours, even when ours is refused while waiting.
    const previous = this.tail;
    let finish: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => (finish = resolve));
    this.tail = previous.then(() => mine);
    const done = (): void => {
      this.admitted.splice(this.admitted.indexOf(op), 1);
      finish();
    };
    try {
      await Promise.all([previous.then(() => this.waiting.get(op.id)?.go()), turn]);
    } catch (error: unknown) {
      done();
      throw error;
    } finally {
      this.waiting.delete(op.id);
    }
    return this.execute(op, work).finally(done);
  }

  /**
   * Stops the stack ahead of everything: refuses what waits, then runs `work` right away (alongside an
   * operation still running: stopping its services is what ends it).
   */
  async stopFirst<T>(
    requestedBy: OperationRequester,
    work: (op: StackOperationInfo) => Promise<T>,
  ): Promise<T> {
    this.stopping = true;
    const op: StackOperationInfo = {
      id: `op-${++this.seq}`,
      kind: 'stop',
      service: null,
      requestedBy,
      queuedAt: new Date().toISOString(),
      startedAt: null,
    };
    for (const waiting of this.queued()) {
      this.publish(waiting, 'refused', 'the stack is stopping');
      this.waiting
        .get(waiting.id)
        ?.refuse(new OperationBusy('stack_stopping', 'the stack is stopping', this.running, []));
      this.waiting.delete(waiting.id);
    }
    return this.execute(op, work);
  }

  private async execute<T>(op: StackOperationInfo, work: (op: StackOperationInfo) => Promise<T>): Promise<T> {
    const started: StackOperationInfo = { ...op, startedAt: new Date().toISOString() };
    const previous = this.running;
    if (op.kind !== 'stop' || previous === null) this.running = started;
    this.publish(started, 'running', describeOperation(started));
    try {
      const result = await work(started);
      this.publish(started, 'done', `${describeOperation(started)} is done`);
      return result;
    } catch (error: unknown) {
      this.publish(started, 'failed', error instanceof Error ? error.message : String(error));
      throw error;
    } finally {
      if (this.running?.id === started.id) this.running = null;
    }
  }

  private refuse(op: StackOperationInfo, code: OperationBusy['code'], message: string): never {
    this.publish(op, 'refused', message);
    throw new OperationBusy(code, message, this.running, this.queued());
  }

  private busyMessage(): string {
    const first = this.running ?? this.admitted[0];
    return first ? `busy with ${describeOperation(first)}; try again when it is done` : 'busy';
  }

  private publish(
    operation: StackOperationInfo,
    status: StackOperationEvent['status'],
    message: string,
  ): void {
    this.announce({ type: 'stack-operation', at: new Date().toISOString(), operation, status, message });
  }
}
